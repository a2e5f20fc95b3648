package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.cost.CostCounter;
import io.fadconv.engine.EngineConfig;
import io.fadconv.model.FoldedModel;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.Annealing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whole networks side by side: the time of a training step's forward + backward and the
 * inference throughput, each convolution type against the first (the static baseline), and the
 * share of the machine's matrix-product limit each reaches (MAdds x 2 / time). Inference is timed
 * twice, as the model runs it ({@code logits} in inference mode, BatchNorms separate) and with
 * the BatchNorms folded into the convolutions ({@link FoldedModel}, what {@code predict} and
 * {@code eval} run), interleaved with the rest.
 */
public final class ModelBenchmark {

    /**
     * One measured network.
     *
     * @param model the model name
     * @param conv the convolution spec
     * @param stepMs median forward + backward time of one batch
     * @param inferMs median forward time of one batch (no gradients)
     * @param foldedMs median forward time of one batch with the BatchNorms folded
     * @param stepRatio step time over the baseline's
     * @param inferRatio inference time over the baseline's
     * @param tilesPerSecond inference throughput
     * @param gmaddsPerSample multiply-adds of one sample's forward pass, in G
     */
    public record Row(String model, String conv, double stepMs, double inferMs, double foldedMs,
            double stepRatio, double inferRatio, double tilesPerSecond, double gmaddsPerSample) {

        /** @return folded inference time over unfolded, both measured in the same rounds */
        public double foldedRatio() {
            return foldedMs / inferMs;
        }

        /**
         * The GFLOP/s reached in inference: 2 x MAdds x batch / time.
         *
         * @param batch the batch size
         * @return GFLOP/s
         */
        public double inferenceGflops(int batch) {
            return 2 * gmaddsPerSample * batch / (inferMs / 1e3);
        }

        /**
         * The GFLOP/s reached in a training step, counting backward as twice the forward
         * (the usual 3x rule; the gradient of the input and of the weights each cost one forward).
         *
         * @param batch the batch size
         * @return GFLOP/s
         */
        public double trainingGflops(int batch) {
            return 3 * 2 * gmaddsPerSample * batch / (stepMs / 1e3);
        }
    }

    private ModelBenchmark() {}

    /**
     * Measures each spec in one model, interleaved.
     *
     * @param model the model name
     * @param specs convolution specs, the baseline first
     * @param inChannels input bands
     * @param classes classes
     * @param size input side
     * @param options batch, warmup, rounds
     * @return rows in spec order
     */
    public static List<Row> run(String model, List<String> specs, int inChannels, int classes,
            int size, LayerBenchmark.Options options) {
        Djl.seed(0);
        try (NDManager m = Djl.engine().newBaseManager()) {
            Shape in = new Shape(options.batch(), inChannels, size, size);
            NDArray x = m.randomNormal(in);
            List<SegmentationModel> nets = new ArrayList<>();
            List<FoldedModel> folded = new ArrayList<>();
            List<Double> madds = new ArrayList<>();
            ParameterStore ps = new ParameterStore(m, false);
            for (String spec : specs) {
                SegmentationModel net = build(model, spec, inChannels, classes, m, in);
                nets.add(net);
                folded.add(net.foldBatchNorm());
                madds.add(CostCounter.count(net, new Shape(1, inChannels, size, size))
                        .madds() / 1e9);
            }
            List<Supplier<Double>> runs = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            List<Double> rowMadds = new ArrayList<>();
            for (EngineConfig engine : options.enginesOrActive()) {
                for (int i = 0; i < nets.size(); i++) {
                    SegmentationModel net = nets.get(i);
                    labels.add(options.label(specs.get(i), engine));
                    rowMadds.add(madds.get(i));
                    runs.add(Timing.under(engine, () -> Timing.forwardBackwardMs(m, List.of(x),
                            s -> net.logits(ps, x, true))));
                    runs.add(Timing.under(engine, () -> Timing.forwardMs(m, List.of(x),
                            s -> net.logits(ps, x, false))));
                    FoldedModel f = folded.get(i);
                    // The training step just changed the running statistics: fold again
                    // before the clock starts, as a mapping run folds once.
                    runs.add(Timing.under(engine, () -> {
                        f.refresh();
                        return Timing.forwardMs(m, List.of(x), s -> f.logits(x));
                    }));
                }
            }
            double[][] t = Timing.interleaved(runs, options.warmup(),
                    options.warmupSeconds(), options.rounds());
            folded.forEach(FoldedModel::close);
            List<Row> rows = new ArrayList<>();
            double baseStep = Timing.median(t[0]);
            double baseInfer = Timing.median(t[1]);
            for (int i = 0; i < labels.size(); i++) {
                double step = Timing.median(t[3 * i]);
                double infer = Timing.median(t[3 * i + 1]);
                double fold = Timing.median(t[3 * i + 2]);
                rows.add(new Row(model, labels.get(i), step, infer, fold, step / baseStep,
                        infer / baseInfer, options.batch() / (infer / 1e3), rowMadds.get(i)));
            }
            return rows;
        }
    }

    /**
     * Where each spec's time goes, op by op ({@link OpProfile}), under the configuration in use:
     * a training step (forward and backward) and an inference forward of each network, each run
     * once untimed (which also tunes), then {@code passes} times without and as many under the
     * profiler, counting page faults both ways ({@link OpProfile#of}).
     *
     * @param model the model name
     * @param specs convolution specs, the baseline first
     * @param inChannels input bands
     * @param classes classes
     * @param size input side
     * @param batch batch size
     * @param passes profiled passes per network and mode
     * @return for {@code training step} and {@code inference}, in that order, a profile per spec
     *     in spec order
     */
    public static Map<String, List<OpProfile.Profile>> profile(String model, List<String> specs,
            int inChannels, int classes, int size, int batch, int passes) {
        Djl.seed(0);
        Map<String, List<OpProfile.Profile>> out = new LinkedHashMap<>();
        out.put("training step", new ArrayList<>());
        out.put("inference", new ArrayList<>());
        try (NDManager m = Djl.engine().newBaseManager()) {
            Shape in = new Shape(batch, inChannels, size, size);
            NDArray x = m.randomNormal(in);
            ParameterStore ps = new ParameterStore(m, false);
            for (String spec : specs) {
                SegmentationModel net = build(model, spec, inChannels, classes, m, in);
                Runnable step = () -> Timing.forwardBackwardMs(m, List.of(x),
                        s -> net.logits(ps, x, true));
                Runnable infer = () -> Timing.forwardMs(m, List.of(x),
                        s -> net.logits(ps, x, false));
                step.run();
                infer.run();
                out.get("training step").add(OpProfile.of(passes, step));
                out.get("inference").add(OpProfile.of(passes, infer));
            }
        }
        return out;
    }

    static SegmentationModel build(String model, String spec, int inChannels,
            int classes, NDManager m, Shape in) {
        SegmentationModel net = Models.create(ModelSpec.of(model, spec, inChannels, classes));
        net.initialize(m, DataType.FLOAT32, in);
        Annealing.finish(net);
        return net;
    }

    /**
     * Formats rows as a markdown table.
     *
     * @param rows the rows
     * @param batch the batch size
     * @param limitGflops the matrix-product limit of the machine, or NaN
     * @param peakGflops the nominal FMA peak of the machine, or NaN
     * @return the table
     */
    public static String table(List<Row> rows, int batch, double limitGflops,
            double peakGflops) {
        StringBuilder sb = new StringBuilder("| model | conv | GMAdds/tile | train step ms | x base"
                + " | inference ms | x base | tiles/s "
                + "| inference GFLOP/s (of limit, of nominal peak) "
                + "| BN folded ms | folded x unfolded |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double g = r.inferenceGflops(batch);
            sb.append(String.format(Locale.ROOT,
                    "| %s | %s | %.2f | %.0f | %.2f | %.0f | %.2f | %.1f | %.0f (%s) | %.0f | %.3f |%n",
                    r.model(), r.conv(), r.gmaddsPerSample(), r.stepMs(), r.stepRatio(),
                    r.inferMs(), r.inferRatio(), r.tilesPerSecond(), g,
                    share(g, limitGflops) + ", " + share(g, peakGflops),
                    r.foldedMs(), r.foldedRatio()));
        }
        return sb.toString();
    }

    private static String share(double gflops, double of) {
        return Double.isNaN(of) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * gflops / of);
    }
}
