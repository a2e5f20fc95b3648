package io.fadconv.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.nn.AttentionPath;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Times forward + backward of convolution layers side by side in one run, at the stage shapes of
 * ResNet18-UNet, and reports each as a ratio to the static convolution measured in the same
 * rounds. Variants are interleaved round by round, so drift of the machine (another process,
 * thermal state) touches all of them alike.
 */
public final class LayerBenchmark {

    /** A feature-map shape: channels in = channels out, square map. */
    public record Stage(int channels, int size) {
        @Override
        public String toString() {
            return channels + "ch " + size + "x" + size;
        }
    }

    /** The four encoder stage shapes of ResNet18-UNet on 512 x 512 input, 3 x 3 kernels. */
    public static final List<Stage> RESNET18_UNET_STAGES = List.of(
            new Stage(64, 128), new Stage(128, 64), new Stage(256, 32), new Stage(512, 16));

    /**
     * A layer to time.
     *
     * @param label the name in the report
     * @param factory builds a 3 x 3, stride 1, padding 1 layer for a channel count
     */
    public record Variant(String label, IntFunction<Block> factory) {}

    /**
     * Run settings.
     *
     * @param batch the batch size
     * @param warmup untimed rounds first
     * @param rounds timed rounds (the median is reported)
     * @param engines engine configurations measured side by side (empty: the one in use)
     * @param warmupSeconds untimed rounds go on past {@code warmup} until this much time has
     *     passed, per stage ({@link Timing#interleaved(List, int, double, int)})
     */
    public record Options(int batch, int warmup, int rounds, List<EngineConfig> engines,
            double warmupSeconds) {
        /** Validates. */
        public Options {
            if (batch < 1 || warmup < 0 || rounds < 1 || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException("batch and rounds must be >= 1, warmup and "
                        + "warmup seconds >= 0, got batch " + batch + ", warmup " + warmup
                        + ", warmup seconds " + warmupSeconds + ", rounds " + rounds);
            }
            engines = List.copyOf(engines);
        }

        /**
         * Settings with warm-up counted in rounds only.
         *
         * @param batch the batch size
         * @param warmup untimed rounds
         * @param rounds timed rounds
         * @param engines engine configurations measured side by side (empty: the one in use)
         */
        public Options(int batch, int warmup, int rounds, List<EngineConfig> engines) {
            this(batch, warmup, rounds, engines, 0);
        }

        /**
         * Settings under the engine configuration in use.
         *
         * @param batch the batch size
         * @param warmup untimed rounds
         * @param rounds timed rounds
         */
        public Options(int batch, int warmup, int rounds) {
            this(batch, warmup, rounds, List.of());
        }

        /**
         * The configurations to measure: those asked for, or the one in use.
         *
         * @return at least one configuration
         */
        public List<EngineConfig> enginesOrActive() {
            return engines.isEmpty() ? List.of(EngineSetup.active()) : engines;
        }

        /**
         * A label with the engine configuration appended when several are compared.
         *
         * @param label the variant's label
         * @param engine the configuration
         * @return the label
         */
        public String label(String label, EngineConfig engine) {
            return engines.size() > 1 ? label + " @" + engine : label;
        }
    }

    /**
     * One measured layer.
     *
     * @param stage the shape
     * @param label the variant
     * @param medianMs median forward + backward time
     * @param ratio median time over the first variant's (the baseline)
     * @param attentionMs median forward + backward time of the attention path alone (NaN when
     *     the layer has none)
     */
    public record Row(Stage stage, String label, double medianMs, double ratio,
            double attentionMs) {
        /** @return attention time as a share of the layer time, or NaN */
        public double attentionShare() {
            return attentionMs / medianMs;
        }
    }

    private LayerBenchmark() {}

    /**
     * Runs the benchmark. The first variant is the baseline of the ratios.
     *
     * @param stages shapes
     * @param variants layers, baseline first
     * @param options run settings
     * @param progress receives a line per finished stage
     * @return rows, stage by stage, variants in order
     */
    public static List<Row> run(List<Stage> stages, List<Variant> variants, Options options,
            boolean inference, Consumer<String> progress) {
        Engine engine = Djl.engine();
        Djl.seed(0);
        List<Row> rows = new ArrayList<>();
        for (Stage stage : stages) {
            try (NDManager m = engine.newBaseManager()) {
                Shape in = new Shape(options.batch(), stage.channels(), stage.size(),
                        stage.size());
                NDArray x = m.randomNormal(in);
                // the same values in channels-last memory, as a channels-last network's
                // convolutions hand them to the next layer (made outside the timed passes)
                NDArray xNhwc = options.enginesOrActive().stream()
                        .anyMatch(c -> c.layout(!inference) == ConvLayout.CHANNELS_LAST)
                        ? EngineConv.channelsLast(x) : x;
                x.setRequiresGradient(true);
                xNhwc.setRequiresGradient(true);
                List<Block> blocks = new ArrayList<>();
                for (Variant v : variants) {
                    Block b = v.factory().apply(stage.channels());
                    b.initialize(m, DataType.FLOAT32, in);
                    blocks.add(b);
                }
                ParameterStore ps = new ParameterStore(m, false);
                List<Supplier<Double>> runs = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                for (EngineConfig config : options.enginesOrActive()) {
                    // the mode's layout: under channels-last-inference the two differ
                    NDArray input = config.layout(!inference) == ConvLayout.CHANNELS_LAST ? xNhwc
                            : x;
                    for (int i = 0; i < blocks.size(); i++) {
                        Block b = blocks.get(i);
                        labels.add(options.label(variants.get(i).label(), config));
                        runs.add(Timing.under(config, () -> Timing.passMs(m, List.of(input),
                                inference,
                                training -> b.forward(ps, new NDList(input), training)
                                        .singletonOrThrow())));
                        runs.add(b instanceof AttentionPath p
                                ? Timing.under(config, () -> Timing.passMs(m, List.of(input),
                                        inference, training -> p.attentionPath(ps, input,
                                                training)))
                                : () -> Double.NaN);
                    }
                }
                double[][] t = Timing.interleaved(runs, options.warmup(), options.warmupSeconds(),
                        options.rounds());
                double base = Timing.median(t[0]);
                for (int i = 0; i < labels.size(); i++) {
                    double med = Timing.median(t[2 * i]);
                    rows.add(new Row(stage, labels.get(i), med, med / base,
                            Timing.median(t[2 * i + 1])));
                }
                progress.accept("measured " + stage);
            }
        }
        return rows;
    }

    /** The default layers of {@code fadconv bench layer}: the baseline first. */
    public static final List<String> DEFAULT_SPECS = List.of("static", "dyconv", "odconv", "kw",
            "fadconv:p=8", "fadconv", "fadconv:p=32", "fodconv", "fkw");

    /**
     * Times convolution specs as 3x3 "same" layers at each stage ({@link #run}); each
     * KernelWarehouse layer has a warehouse of its own.
     *
     * @param specs convolution specs, the baseline first
     * @param stages the stage shapes
     * @param options batch, rounds, engines
     * @param progress progress lines
     * @return the rows
     */
    public static List<Row> runSpecs(List<String> specs, List<Stage> stages, Options options,
            boolean inference, Consumer<String> progress) {
        List<Variant> variants = new ArrayList<>();
        for (String s : specs) {
            ConvSpec spec = ConvSpec.parse(s);
            variants.add(new Variant(spec.toString(),
                    c -> Convs.create(spec, ConvGeometry.same(c, c, 3, 1))));
        }
        return run(stages, variants, options, inference, progress);
    }

    /**
     * The worst ratio and attention share per non-baseline layer, against the goals.
     *
     * @param rows the rows of {@link #run}
     * @return one line per layer
     */
    public static String summary(List<Row> rows, boolean inference) {
        StringBuilder sb = new StringBuilder();
        Map<String, double[]> worst = new LinkedHashMap<>();
        String baseline = rows.isEmpty() ? "" : rows.get(0).label();
        for (Row r : rows) {
            if (r.label().equals(baseline)) {
                continue;
            }
            double[] w = worst.computeIfAbsent(r.label(), k -> new double[] {0, Double.NaN});
            w[0] = Math.max(w[0], r.ratio());
            if (!Double.isNaN(r.attentionShare())) {
                w[1] = Double.isNaN(w[1]) ? r.attentionShare() : Math.max(w[1], r.attentionShare());
            }
        }
        // the goals are the training step's (forward and backward)
        String layerGoal = inference ? "" : " (goal <= 1.30x)";
        String attentionGoal = inference ? "" : " (goal <= 5%)";
        worst.forEach((label, w) -> sb.append(String.format(Locale.ROOT,
                "%-28s worst %.2fx %s%s%s%n", label, w[0], baseline, layerGoal,
                Double.isNaN(w[1]) ? "" : String.format(Locale.ROOT,
                        ", attention path up to %.1f%% of the layer%s", 100 * w[1],
                        attentionGoal))));
        return sb.toString();
    }

    /**
     * Formats rows as a markdown table.
     *
     * @param rows the rows
     * @return the table
     */
    public static String table(List<Row> rows, boolean inference) {
        StringBuilder sb = new StringBuilder();
        sb.append("| stage | layer | ").append(inference ? "forward" : "fwd+bwd")
                .append(" ms | x static | attention ms | attention share |\n");
        sb.append("|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(java.util.Locale.ROOT, "| %s | %s | %.1f | %.2f | %s | %s |%n",
                    r.stage(), r.label(), r.medianMs(), r.ratio(),
                    Double.isNaN(r.attentionMs()) ? "-" : String.format(java.util.Locale.ROOT,
                            "%.2f", r.attentionMs()),
                    Double.isNaN(r.attentionMs()) ? "-" : String.format(java.util.Locale.ROOT,
                            "%.1f%%", 100 * r.attentionShare())));
        }
        return sb.toString();
    }
}
