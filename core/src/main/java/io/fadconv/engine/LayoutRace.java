package io.fadconv.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Which memory layout is faster on this machine, in training and in inference separately: what
 * the project's networks are made of, at three of their shapes (a wide shallow stage, a deep
 * small one with a per-sample convolution each; a thin one at full resolution, as the decoders
 * end, all static): residual blocks of two static 3 x 3 convolutions with BatchNorm and ReLU and
 * a third convolution, per sample as the dynamic layers run it (batch folded into
 * groups, in NCHW, which the tuner can choose under channels-last too), forward and backward
 * (training statistics) and forward alone (running statistics, no gradients), the layouts
 * interleaved round by round. Run once per kind of machine; the winner is remembered in
 * {@code engine-speed.json}.
 */
public final class LayoutRace {

    /**
     * The workload's version: a winner remembered for another version is raced again. Raise it
     * whenever {@link #pass} changes.
     */
    public static final int WORKLOAD = 7;

    /**
     * batch, channels, size of each residual block, and whether its last convolution is per
     * sample (encoder stages) or static (the decoder's thin full-resolution stage).
     */
    private static final int[][] STAGES = {{8, 64, 64, 1}, {8, 256, 16, 1}, {4, 16, 256, 0}};
    private static final int ROUNDS = 3;

    /**
     * The outcome.
     *
     * @param millis median time of one training pass (forward and backward) over the stages,
     *     per configuration raced
     * @param inferenceMillis median time of one inference pass, per configuration raced
     * @param fastest the configuration with the faster layout in each mode
     * @param how {@code timed} here, or {@code cached} from an earlier process
     */
    public record Result(Map<EngineConfig, Double> millis,
            Map<EngineConfig, Double> inferenceMillis, EngineConfig fastest, String how) {}

    private LayoutRace() {}

    /**
     * Times the configurations (each applied in turn through {@code apply}).
     *
     * @param configs the configurations, all correct here
     * @param apply switches the engine to a configuration
     * @return the outcome
     */
    static Result run(List<EngineConfig> configs, Consumer<EngineConfig> apply) {
        boolean gradMode = JniUtils.isGradMode();
        float[][][] data = draw();
        List<Map<EngineConfig, Double>> ms;
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            ms = interleaved(configs, ROUNDS, apply, c -> {
                JniUtils.setGradMode(true);
                double t = pass(m, data, c.layout(true), true);
                JniUtils.setGradMode(false);
                return new double[] {t, pass(m, data, c.layout(false), false)};
            });
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new Result(ms.get(0), ms.get(1), winner(configs, ms.get(0), ms.get(1)), "timed");
    }

    /**
     * Times passes under configurations side by side: each configuration applied in turn and its
     * pass run, one untimed round, then {@code rounds} timed ones, every other round in reverse
     * order (so that no configuration always runs right after the same one), and the median of
     * each of the pass's measures per configuration. The configuration last applied stays.
     *
     * @param configs the configurations
     * @param rounds the timed rounds
     * @param apply switches the engine to a configuration
     * @param pass runs one pass under the configuration applied; its measures in milliseconds
     * @return per measure, its median per configuration
     */
    public static List<Map<EngineConfig, Double>> interleaved(List<EngineConfig> configs,
            int rounds, Consumer<EngineConfig> apply, Function<EngineConfig, double[]> pass) {
        JvmThreads.yieldCompilers(); // timings decide from here
        double[][][] t = new double[configs.size()][rounds][];
        for (int r = -1; r < rounds; r++) {
            for (int j = 0; j < configs.size(); j++) {
                int i = r % 2 == 0 ? configs.size() - 1 - j : j;
                apply.accept(configs.get(i));
                double[] measures = pass.apply(configs.get(i));
                if (r >= 0) {
                    t[i][r] = measures;
                }
            }
        }
        List<Map<EngineConfig, Double>> out = new ArrayList<>();
        for (int k = 0; k < t[0][0].length; k++) {
            Map<EngineConfig, Double> medians = new EnumMap<>(EngineConfig.class);
            for (int i = 0; i < configs.size(); i++) {
                double[] each = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    each[r] = t[i][r][k];
                }
                Arrays.sort(each);
                medians.put(configs.get(i), each[rounds / 2]);
            }
            out.add(medians);
        }
        return out;
    }

    /**
     * The configuration with the faster layout of each mode; where no configuration has that
     * pair of layouts, or it is not covered by the raced ones, the faster over one pass of each
     * mode.
     *
     * @param configs the configurations raced
     * @param trainMs a training pass's time per configuration
     * @param inferMs an inference pass's time per configuration
     * @return the winner
     */
    static EngineConfig winner(List<EngineConfig> configs, Map<EngineConfig, Double> trainMs,
            Map<EngineConfig, Double> inferMs) {
        EngineConfig both = EngineConfig.withLayouts(fastest(trainMs).layout(true),
                fastest(inferMs).layout(false));
        if (both == null || !both.coveredBy(configs)) {
            return fastest(configs.stream().collect(java.util.stream.Collectors.toMap(c -> c,
                    c -> trainMs.get(c) + inferMs.get(c))));
        }
        return both;
    }

    private static EngineConfig fastest(Map<EngineConfig, Double> millis) {
        return millis.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow()
                .getKey();
    }

    /**
     * One pass over the stages in milliseconds: forward and backward (training), or forward
     * alone.
     */
    private static double pass(NDManager parent, float[][][] values, ConvLayout layout,
            boolean training) {
        Shape one = new Shape(1, 1);
        try (NDManager m = parent.newSubManager()) {
            NDArray[][] data = new NDArray[STAGES.length][];
            for (int i = 0; i < STAGES.length; i++) {
                int[] s = STAGES[i];
                NDArray x = m.create(values[i][0], new Shape(s[0], s[1], s[2], s[2]));
                // the input already in the layout, as activations inside a network are
                data[i] = new NDArray[] {layout == ConvLayout.CHANNELS_LAST
                        ? EngineConv.channelsLast(x) : x,
                    m.create(values[i][1], new Shape(s[1], s[1], 3, 3)),
                    m.create(values[i][2], new Shape(s[1], s[1], 3, 3))};
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < STAGES.length; i++) {
                int[] s = STAGES[i];
                NDArray x = data[i][0];
                NDArray w1 = data[i][1];
                NDArray w2 = data[i][2];
                if (training) {
                    w1.setRequiresGradient(true);
                    w2.setRequiresGradient(true);
                }
                // two static layers per dynamic one, as in the networks' decoders and stems
                NDArray h = Activation.relu(batchNorm(m, EngineConv.conv2d(layout, x, w1, null,
                        one, one, one, 1), training));
                h = Activation.relu(batchNorm(m, EngineConv.conv2d(layout, h, w1, null, one, one,
                        one, 1), training));
                NDArray z;
                if (s[3] == 1) {
                    // per sample, as the dynamic layers convolve: the batch folded into groups
                    NDArray perSample = w2.expandDims(0).repeat(0, s[0])
                            .reshape(s[0] * s[1], s[1], 3, 3);
                    z = EngineConv.unfoldBatch(ConvLayout.NCHW, EngineConv.conv2d(
                            ConvLayout.NCHW, EngineConv.foldBatch(ConvLayout.NCHW, h), perSample,
                            null, one, one, one, s[0]), s[0]);
                } else {
                    z = EngineConv.conv2d(layout, h, w2, null, one, one, one, 1);
                }
                NDArray y = Activation.relu(batchNorm(m, z, training).add(x));
                if (training) {
                    NDArray loss = y.mul(y).sum();
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false,
                            false);
                    Completion.await(w1.getGradient());
                } else {
                    Completion.await(y);
                }
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static NDArray batchNorm(NDManager m, NDArray x, boolean training) {
        long c = x.getShape().get(1);
        return ai.djl.nn.norm.BatchNorm.batchNorm(x, m.zeros(new Shape(c)), m.ones(new Shape(c)),
                m.ones(new Shape(c)), m.zeros(new Shape(c)), 1, 0.1f, 1e-5f, training)
                .singletonOrThrow();
    }

    /** The race's data, drawn once per race: per stage the input and two kernels. */
    private static float[][][] draw() {
        Random random = new Random(3);
        float[][][] out = new float[STAGES.length][][];
        for (int i = 0; i < STAGES.length; i++) {
            int[] s = STAGES[i];
            out[i] = new float[][] {gaussian(random, s[0] * s[1] * s[2] * s[2], 1),
                gaussian(random, s[1] * s[1] * 9, 0.05f), gaussian(random, s[1] * s[1] * 9, 0.05f)};
        }
        return out;
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (float) random.nextGaussian();
        }
        return v;
    }
}
