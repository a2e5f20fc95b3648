package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.train.Adam;
import io.fadconv.train.Loss;
import io.fadconv.train.TrainStep;
import io.fadconv.train.TrainableParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Training step time of several convolution types in one network, measured side by side in one
 * run: every round runs one full step (forward, loss, backward, Adam update) of each variant, the
 * order alternating between rounds, so machine drift touches all alike. Inputs are random
 * tensors made in the step's manager (no disk reads: this measures the step, not the data
 * pipeline). After every epoch of steps it records the process's memory, to show that training
 * does not grow it.
 */
public final class TrainBenchmark {

    /**
     * Settings.
     *
     * @param model the network name
     * @param size input height and width
     * @param batch batch size
     * @param inChannels input bands
     * @param classes outputs (1: binary cross-entropy, else cross-entropy)
     * @param epochs epochs of steps (memory is sampled after each)
     * @param steps steps per epoch per variant
     * @param warmup untimed steps per variant first
     */
    public record Options(String model, int size, int batch, int inChannels, int classes,
            int epochs, int steps, int warmup) {
        /** Validates. */
        public Options {
            if (size < 32 || batch < 1 || inChannels < 1 || classes < 1 || epochs < 1
                    || steps < 1 || warmup < 0) {
                throw new IllegalArgumentException("bench train: size >= 32, batch, channels, "
                        + "classes, epochs and steps >= 1, warmup >= 0; got size " + size
                        + ", batch " + batch + ", epochs " + epochs + ", steps " + steps);
            }
        }
    }

    /**
     * One variant's timing.
     *
     * @param conv the convolution spec
     * @param medianMs median step time
     * @param p10Ms 10th percentile
     * @param p90Ms 90th percentile
     * @param ratio median over the first variant's median
     * @param params trainable parameters
     */
    public record Row(String conv, double medianMs, double p10Ms, double p90Ms, double ratio,
            long params) {}

    /**
     * Memory after one epoch of steps.
     *
     * @param epoch the epoch, from 1
     * @param rssMb resident set size of the process (heap + native, libtorch included), MiB
     * @param peakRssMb the process's peak resident set size so far (VmHWM), MiB
     * @param heapMb JVM heap in use, MiB
     * @param arrays NDArrays alive under the benchmark's manager
     */
    public record Memory(int epoch, double rssMb, double peakRssMb, double heapMb, int arrays) {}

    /**
     * Everything measured.
     *
     * @param rows one per variant, the first is the baseline
     * @param memory one per epoch
     * @param threads the engine's intra-op threads
     */
    public record Result(List<Row> rows, List<Memory> memory, int threads) {}

    private TrainBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param convs convolution specs, the baseline first
     * @param o settings
     * @param progress receives a line per epoch
     * @return the measurements
     */
    public static Result run(List<String> convs, Options o, Consumer<String> progress) {
        Djl.engine();
        Loss loss = o.classes() == 1 ? Loss.BCE : Loss.CE;
        int n = convs.size();
        double[][] times = new double[n][o.epochs() * o.steps()];
        List<Memory> memory = new ArrayList<>();
        long[] params = new long[n];
        try (NDManager root = NDManager.newBaseManager()) {
            List<TrainStep> steps = new ArrayList<>();
            List<Adam> adams = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                NDManager m = root.newSubManager();
                Djl.seed(0);
                SegmentationModel model = Models.create(ModelSpec.of(o.model(), convs.get(i),
                        o.inChannels(), o.classes()));
                model.initialize(m, DataType.FLOAT32, new Shape(1, o.inChannels(), o.size(),
                        o.size()));
                Adam adam = new Adam(Adam.Settings.torchDefaults(3e-4, 1e-4),
                        TrainableParameters.trainable(model), m);
                adams.add(adam);
                params[i] = io.fadconv.nn.Layers.trainableParameters(model);
                steps.add(new TrainStep(model, adam, loss, 0, m));
            }
            Shape x = new Shape(o.batch(), o.inChannels(), o.size(), o.size());
            Shape y = new Shape(o.batch(), o.size(), o.size());
            int labels = Math.max(2, o.classes());
            TrainStep.Inputs inputs = m -> new NDArray[] {m.randomNormal(x),
                m.randomInteger(0, labels, y, DataType.INT64)};
            int perEpoch = o.steps();
            for (int w = 0; w < o.warmup(); w++) {
                for (TrainStep s : steps) {
                    step(s, inputs, 0, 0, 1);
                }
            }
            for (int e = 0; e < o.epochs(); e++) {
                for (int s = 0; s < perEpoch; s++) {
                    for (int k = 0; k < n; k++) {
                        int i = (s + e) % 2 == 0 ? k : n - 1 - k; // alternate the order
                        long t0 = System.nanoTime();
                        step(steps.get(i), inputs, e, s, perEpoch);
                        times[i][e * perEpoch + s] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                Memory mem = memory(e + 1, root.getManagedArrays().size());
                memory.add(mem);
                progress.accept(String.format(Locale.ROOT, "epoch %d/%d: %d steps per variant; "
                        + "RSS %.0f MiB, heap %.0f MiB, %d arrays", e + 1, o.epochs(), perEpoch,
                        mem.rssMb(), mem.heapMb(), mem.arrays()));
            }
            adams.forEach(Adam::close);
        }
        List<Row> rows = new ArrayList<>();
        double base = Timing.median(times[0]);
        for (int i = 0; i < n; i++) {
            double med = Timing.median(times[i]);
            rows.add(new Row(convs.get(i), med, percentile(times[i], 0.1),
                    percentile(times[i], 0.9), med / base, params[i]));
        }
        return new Result(rows, memory, ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }

    private static void step(TrainStep s, TrainStep.Inputs in, int e, int step, int steps) {
        try {
            s.run(in, e, step, steps);
        } catch (TrainStep.NonFiniteLoss ex) {
            throw new IllegalStateException("bench train: the loss became " + ex.value(), ex);
        }
    }

    static double percentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
    }

    private static Memory memory(int epoch, int arrays) {
        double rss = Double.NaN;
        double hwm = Double.NaN;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line) / 1024;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: RSS unknown, heap still reported
        }
        Runtime rt = Runtime.getRuntime();
        System.gc(); // heap in use after a collection, comparable between epochs
        return new Memory(epoch, rss, hwm, (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                arrays);
    }

    private static double kib(String line) {
        return Double.parseDouble(line.replaceAll("[^0-9]", ""));
    }

    /**
     * The result as markdown.
     *
     * @param r the result
     * @param o the settings
     * @return tables of step time and memory
     */
    public static String table(Result r, Options o) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, %d x %d, batch %d, %d input bands, %d "
                + "output(s), %d threads; %d epochs x %d timed steps per variant after %d "
                + "warm-up steps, interleaved%n%n", o.model(), o.size(), o.size(), o.batch(),
                o.inChannels(), o.classes(), r.threads(), o.epochs(), o.steps(), o.warmup()));
        sb.append("| conv | params | step ms (median) | p10 | p90 | x baseline |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2fM | %.0f | %.0f | %.0f | %.2f |%n",
                    row.conv(), row.params() / 1e6, row.medianMs(), row.p10Ms(), row.p90Ms(),
                    row.ratio()));
        }
        sb.append("\n| after epoch | RSS MiB | peak RSS MiB | heap MiB | live NDArrays |\n");
        sb.append("|---:|---:|---:|---:|---:|\n");
        for (Memory m : r.memory()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %d |%n", m.epoch(),
                    m.rssMb(), m.peakRssMb(), m.heapMb(), m.arrays()));
        }
        return sb.toString();
    }
}
