package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench layer}. */
@Command(name = "layer", mixinStandardHelpOptions = true,
        description = "Forward+backward time (or the forward alone, --inference) of each "
                + "convolution type at the ResNet18-UNet stage shapes (3x3, batch 8), as a ratio "
                + "to the first --conv (static).")
final class BenchLayerCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--conv", paramLabel = "SPEC",
            description = "A convolution spec, repeatable; the first is the baseline. "
                    + "Default: static, dyconv, odconv, kw, fadconv:p=8, fadconv (p=16), "
                    + "fadconv:p=32, fodconv, fkw (each KernelWarehouse layer in a warehouse "
                    + "of its own).")
    List<String> convs = new ArrayList<>();

    @picocli.CommandLine.Mixin BenchMode mode;

    @picocli.CommandLine.Mixin BenchTiming timing;

    @picocli.CommandLine.Mixin BenchStages stages;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(timing.applyThreads());
        List<LayerBenchmark.Row> rows = LayerBenchmark.runSpecs(convs.isEmpty()
                ? LayerBenchmark.DEFAULT_SPECS : convs, stages.stages(), timing.options(),
                mode.inference,
                line -> {
                    out.println("  " + line);
                    out.flush();
                });
        out.println();
        out.print(LayerBenchmark.table(rows, mode.inference));
        out.println();
        out.print(LayerBenchmark.summary(rows, mode.inference)); // one line per type
        out.print(BenchTiming.strategies());
        return 0;
    }
}
