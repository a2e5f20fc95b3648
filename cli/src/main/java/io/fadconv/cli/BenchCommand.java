package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code fadconv bench ...}: side-by-side timing reports. */
@Command(name = "bench", description = "Benchmarks reported as ratios measured in one run.",
        mixinStandardHelpOptions = true,
        subcommands = {BenchLayerCommand.class, BenchTrainCommand.class,
            BenchModelCommand.class, BenchFormulationsCommand.class, BenchDctCommand.class,
            BenchTiffCommand.class, BenchMatmulCommand.class,
            BenchJmhCommand.class})
final class BenchCommand implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The default layers of {@code bench layer}: the baseline first. */
    static final List<String> DEFAULT_LAYER_SPECS = List.of("static", "dyconv", "odconv", "kw",
            "fadconv:p=8", "fadconv", "fadconv:p=32", "fodconv", "fkw");

    static List<LayerBenchmark.Row> run(List<String> specs, List<LayerBenchmark.Stage> stages,
            LayerBenchmark.Options options, java.util.function.Consumer<String> progress) {
        List<LayerBenchmark.Variant> variants = new ArrayList<>();
        for (String s : specs) {
            ConvSpec spec = ConvSpec.parse(s);
            variants.add(new LayerBenchmark.Variant(spec.toString(),
                    c -> Convs.create(spec, ConvGeometry.same(c, c, 3, 1))));
        }
        return LayerBenchmark.run(stages, variants, options, progress);
    }

    /** The worst ratio and attention share per non-baseline layer, against the goals. */
    static String summary(List<LayerBenchmark.Row> rows) {
        StringBuilder sb = new StringBuilder();
        java.util.Map<String, double[]> worst = new java.util.LinkedHashMap<>();
        String baseline = rows.isEmpty() ? "" : rows.get(0).label();
        for (LayerBenchmark.Row r : rows) {
            if (r.label().equals(baseline)) {
                continue;
            }
            double[] w = worst.computeIfAbsent(r.label(), k -> new double[] {0, Double.NaN});
            w[0] = Math.max(w[0], r.ratio());
            if (!Double.isNaN(r.attentionShare())) {
                w[1] = Double.isNaN(w[1]) ? r.attentionShare() : Math.max(w[1], r.attentionShare());
            }
        }
        worst.forEach((label, w) -> sb.append(String.format(java.util.Locale.ROOT,
                "%-28s worst %.2fx %s (goal <= 1.30x)%s%n", label, w[0], baseline,
                Double.isNaN(w[1]) ? "" : String.format(java.util.Locale.ROOT,
                        ", attention path up to %.1f%% of the layer (goal <= 5%%)", 100 * w[1]))));
        return sb.toString();
    }
}
