package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.ConvProblem;
import io.fadconv.nn.ConvTuner;
import io.fadconv.nn.DynamicConv2d;
import io.fadconv.nn.FormulationRuns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A network's per-sample convolutions, geometry by geometry: each formulation the tuner chooses
 * among and a static convolution of the same geometry, timed side by side in steady state, beside
 * the choice the tuner made in the network's own pass ({@code fadconv bench formulations
 * --model}). It scores the tuner against the best per geometry, and it gives the least a FADConv
 * network can cost over its static twin with these formulations: the static network's pass plus,
 * for every dynamic layer, its geometry's fastest formulation over a static convolution (the
 * attention and the rest of each layer not counted).
 */
public final class NetworkFormulations {

    /**
     * One geometry of the network.
     *
     * @param problem the geometry as the tuner keys it
     * @param layers how many of the network's convolutions have it
     * @param staticMs the median run of a static convolution of it
     * @param medianMs the median run per strategy, in {@link DynamicConv2d.Strategy} order (NaN
     *     where not a candidate)
     * @param chosen the strategy the tuner chose in the network's pass
     */
    public record Geometry(ConvProblem problem, long layers, double staticMs, double[] medianMs,
            DynamicConv2d.Strategy chosen) {

        /** Validates and copies. */
        public Geometry {
            if (layers < 1 || medianMs.length != DynamicConv2d.Strategy.values().length
                    || Arrays.stream(medianMs).allMatch(Double::isNaN)) {
                throw new IllegalArgumentException("a geometry needs a layer and a time per "
                        + "strategy, one of them measured");
            }
            medianMs = medianMs.clone();
        }

        /**
         * The fastest strategy measured.
         *
         * @return the strategy
         */
        public DynamicConv2d.Strategy best() {
            DynamicConv2d.Strategy best = null;
            for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
                double t = medianMs[s.ordinal()];
                if (!Double.isNaN(t) && (best == null || t < medianMs[best.ordinal()])) {
                    best = s;
                }
            }
            return best;
        }

        /**
         * What the tuner's choice costs per pass over the best, all layers of the geometry.
         *
         * @return milliseconds (0 when it chose the best)
         */
        public double regretMs() {
            return layers * (medianMs[chosen.ordinal()] - medianMs[best().ordinal()]);
        }

        /**
         * A short name: input channels, map, output channels, kernel, stride (and groups and
         * dilation where not 1).
         *
         * @return e.g. {@code C64 64x64 O128 k3x3 s2}
         */
        public String label() {
            Shape in = problem.input();
            Shape k = problem.kernel();
            return String.format(Locale.ROOT, "C%d %dx%d O%d k%dx%d s%d%s%s", in.get(1),
                    in.get(2), in.get(3), k.get(0), k.get(2), k.get(3), problem.stride().get(0),
                    problem.groups() > 1 ? " g" + problem.groups() : "",
                    problem.dilation().get(0) > 1 ? " d" + problem.dilation().get(0) : "");
        }
    }

    /**
     * The measurements of one network.
     *
     * @param title what was measured (network, input, batch, spec, mode)
     * @param staticNetworkMs the median pass of the static network (timed before and after the
     *     geometries)
     * @param geometries the dynamic convolutions, in the order the pass met them
     */
    public record Report(String title, double staticNetworkMs, List<Geometry> geometries) {

        /** Copies. */
        public Report {
            geometries = List.copyOf(geometries);
        }

        /**
         * The dynamic layers' convolutions over static ones, with each geometry's fastest
         * formulation.
         *
         * @return milliseconds per pass
         */
        public double leastExtraMs() {
            return geometries.stream().mapToDouble(g -> g.layers()
                    * (g.medianMs()[g.best().ordinal()] - g.staticMs())).sum();
        }

        /**
         * What the tuner's choices cost over each geometry's fastest formulation.
         *
         * @return milliseconds per pass
         */
        public double regretMs() {
            return geometries.stream().mapToDouble(Geometry::regretMs).sum();
        }

        /**
         * The least ratio over the static network these formulations allow: its pass plus
         * {@link #leastExtraMs}, over its pass.
         *
         * @return the ratio
         */
        public double leastRatio() {
            return (staticNetworkMs + leastExtraMs()) / staticNetworkMs;
        }
    }

    private NetworkFormulations() {}

    /**
     * Runs one pass of the network with {@code spec} (which tunes, or recalls, every geometry and
     * counts its layers, {@link ConvTuner#usesDuring}), times the static network's pass, then every geometry's formulations and
     * a static convolution of it, interleaved round by round, then the static network again.
     *
     * @param model the model name
     * @param spec a dynamic convolution spec
     * @param inChannels input bands
     * @param classes classes
     * @param size input side
     * @param options batch (2 or more), warmup, rounds
     * @param inference time forwards with gradients off (else forward and backward)
     * @param progress receives a line per geometry
     * @return the report
     * @throws IllegalArgumentException when the batch is 1 or the network has no per-sample
     *     convolution
     */
    public static Report run(String model, String spec, int inChannels, int classes, int size,
            LayerBenchmark.Options options, boolean inference, Consumer<String> progress) {
        if (options.batch() < 2) {
            throw new IllegalArgumentException("--batch " + options.batch() + ": at batch 1 each "
                    + "sample is one convolution and there is nothing to choose; give 2 or more");
        }
        Djl.seed(0);
        try (NDManager m = Djl.engine().newBaseManager()) {
            Shape in = new Shape(options.batch(), inChannels, size, size);
            NDArray x = m.randomNormal(in);
            ParameterStore ps = new ParameterStore(m, false);
            SegmentationModel dynamic = ModelBenchmark.build(model, spec, inChannels, classes, m,
                    in);
            SegmentationModel fixed = ModelBenchmark.build(model, "static", inChannels, classes,
                    m, in);
            Map<ConvProblem, Long> uses = ConvTuner.usesDuring(
                    () -> pass(dynamic, ps, m, x, inference).get());
            if (uses.isEmpty()) {
                throw new IllegalArgumentException("--conv " + spec + ": " + model + " has no "
                        + "per-sample convolution with it; give a dynamic one, e.g. fadconv");
            }
            Map<String, ConvTuner.Choice> choices = ConvTuner.choices();
            // the static network before and after the geometries, its median over both: the
            // host drifts over the minutes between them
            Supplier<double[]> staticRounds = () -> Timing.interleaved(
                    List.of(pass(fixed, ps, m, x, inference)), options.warmup(),
                    options.warmupSeconds(), options.rounds())[0];
            double[] before = staticRounds.get();
            List<Geometry> out = new ArrayList<>();
            uses.forEach((p, layers) -> {
                out.add(measure(p, layers, choices.get(p.key()).strategy(), options));
                progress.accept("measured " + out.get(out.size() - 1).label());
            });
            double[] after = staticRounds.get();
            double[] both = Arrays.copyOf(before, before.length + after.length);
            System.arraycopy(after, 0, both, before.length, after.length);
            return new Report(String.format(Locale.ROOT, "%s, %d x %d, batch %d, %s, %s", model,
                    size, size, options.batch(), spec, inference ? "forward alone (inference)"
                            : "forward and backward (training)"), Timing.median(both), out);
        }
    }

    private static Supplier<Double> pass(SegmentationModel net, ParameterStore ps, NDManager m,
            NDArray x, boolean inference) {
        return inference ? () -> Timing.forwardMs(m, List.of(x), s -> net.logits(ps, x, false))
                : () -> Timing.forwardBackwardMs(m, List.of(x), s -> net.logits(ps, x, true));
    }

    private static Geometry measure(ConvProblem p, long layers, DynamicConv2d.Strategy chosen,
            LayerBenchmark.Options options) {
        try (FormulationRuns runs = FormulationRuns.of(p)) {
            List<DynamicConv2d.Strategy> candidates = runs.candidates();
            List<Supplier<Double>> suppliers = new ArrayList<>();
            suppliers.add(runs::staticMs);
            candidates.forEach(s -> suppliers.add(() -> runs.strategyMs(s)));
            double[][] t = Timing.interleaved(suppliers, options.warmup(),
                    options.warmupSeconds(), options.rounds());
            double[] ms = new double[DynamicConv2d.Strategy.values().length];
            Arrays.fill(ms, Double.NaN);
            for (int i = 0; i < candidates.size(); i++) {
                ms[candidates.get(i).ordinal()] = Timing.median(t[i + 1]);
            }
            return new Geometry(p, layers, Timing.median(t[0]), ms, chosen);
        }
    }

    /**
     * Formats a report: a markdown table of the geometries (milliseconds per run and ratio to
     * static, the fastest in bold, the tuner's choice and what it costs over the fastest), then
     * the static network's pass, the dynamic layers' least extra time, the tuner's and the least
     * ratio.
     *
     * @param r the report
     * @return the text
     */
    public static String table(Report r) {
        StringBuilder sb = new StringBuilder(r.title()).append(", per pass:\n\n");
        sb.append("| geometry | layers | static |");
        FormulationBenchmark.CANDIDATES.stream().skip(1)
                .forEach(n -> sb.append(' ').append(n).append(" |"));
        sb.append(" tuner's choice |\n|---|---:|---:|");
        FormulationBenchmark.CANDIDATES.stream().skip(1).forEach(n -> sb.append("---:|"));
        sb.append("---|\n");
        for (Geometry g : r.geometries()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f ms |", g.label(), g.layers(),
                    g.staticMs()));
            for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
                double t = g.medianMs()[s.ordinal()];
                String cell = String.format(Locale.ROOT, "%.2f ms (%.2fx)", t, t / g.staticMs());
                sb.append(Double.isNaN(t) ? " - |" : s == g.best() ? " **" + cell + "** |"
                        : " " + cell + " |");
            }
            sb.append(' ').append(FormulationBenchmark.CANDIDATES.get(g.chosen().ordinal() + 1))
                    .append(g.chosen() == g.best() ? ", the fastest"
                            : String.format(Locale.ROOT, ", %+.2f ms over the fastest",
                                    g.regretMs() / g.layers()))
                    .append(" |\n");
        }
        long layers = r.geometries().stream().mapToLong(Geometry::layers).sum();
        sb.append(String.format(Locale.ROOT, "%nstatic network: %.1f ms per pass (median of its "
                + "rounds before and after the geometries)%n", r.staticNetworkMs()));
        sb.append(String.format(Locale.ROOT, "the %d dynamic layers' convolutions over static "
                + "ones: at least %+.1f ms per pass (each geometry's fastest formulation); "
                + "%+.1f ms as the tuner chose (%.1f ms over the fastest)%n", layers,
                r.leastExtraMs(), r.leastExtraMs() + r.regretMs(), r.regretMs()));
        sb.append(String.format(Locale.ROOT, "least ratio to the static network these "
                + "formulations allow: %.3fx (static network plus each layer's fastest "
                + "formulation over a static convolution; attention and the layers' other work "
                + "not counted)%n", r.leastRatio()));
        return sb.toString();
    }
}
