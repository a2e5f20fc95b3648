package io.fadconv.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which of two correct configurations is faster on this machine: what the project's networks are
 * made of, at three of their shapes (a wide shallow stage, a deep small one, a thin one at full
 * resolution): residual pairs of 3 x 3 convolution, BatchNorm (training statistics) and ReLU,
 * the second convolution per sample as the dynamic layers run it (batch folded into groups),
 * forward and backward, the configurations interleaved round by round. Run once per kind of
 * machine; the winner is remembered in {@code engine-speed.json}.
 */
public final class LayoutRace {

    /**
     * The workload's version: a winner remembered for another version is raced again. Raise it
     * whenever {@link #pass} changes.
     */
    public static final int WORKLOAD = 2;

    /** batch, channels, size of each residual pair. */
    private static final int[][] STAGES = {{4, 64, 64}, {4, 256, 16}, {4, 16, 128}};
    private static final int ROUNDS = 3;

    /**
     * The outcome.
     *
     * @param millis median time of one pass over the stages, per configuration
     * @param fastest the faster configuration
     * @param how {@code timed} here, or {@code cached} from an earlier process
     */
    public record Result(Map<EngineConfig, Double> millis, EngineConfig fastest, String how) {}

    private LayoutRace() {}

    /**
     * Times the configurations (each applied in turn through {@code apply}).
     *
     * @param configs the configurations, all correct here
     * @param apply switches the engine to a configuration
     * @return the outcome
     */
    static Result run(List<EngineConfig> configs, java.util.function.Consumer<EngineConfig> apply) {
        double[][] t = new double[configs.size()][ROUNDS];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            for (int r = -1; r < ROUNDS; r++) {
                for (int i = 0; i < configs.size(); i++) {
                    apply.accept(configs.get(i));
                    double ms = pass(m, configs.get(i).layout());
                    if (r >= 0) {
                        t[i][r] = ms;
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        Map<EngineConfig, Double> millis = new EnumMap<>(EngineConfig.class);
        EngineConfig fastest = null;
        for (int i = 0; i < configs.size(); i++) {
            Arrays.sort(t[i]);
            millis.put(configs.get(i), t[i][ROUNDS / 2]);
            if (fastest == null || t[i][ROUNDS / 2] < millis.get(fastest)) {
                fastest = configs.get(i);
            }
        }
        return new Result(millis, fastest, "timed");
    }

    /** One forward and backward pass over the stages, in milliseconds. */
    private static double pass(NDManager parent, ConvLayout layout) {
        Random random = new Random(3);
        Shape one = new Shape(1, 1);
        try (NDManager m = parent.newSubManager()) {
            long t0 = System.nanoTime();
            for (int[] s : STAGES) {
                NDArray x = gaussian(m, random, new Shape(s[0], s[1], s[2], s[2]), 1);
                NDArray w1 = gaussian(m, random, new Shape(s[1], s[1], 3, 3), 0.05f);
                NDArray w2 = gaussian(m, random, new Shape(s[1], s[1], 3, 3), 0.05f);
                w1.setRequiresGradient(true);
                w2.setRequiresGradient(true);
                NDArray h = Activation.relu(batchNorm(m, EngineConv.conv2d(layout, x, w1, null,
                        one, one, one, 1)));
                // per sample, as the dynamic layers convolve: the batch folded into groups
                NDArray perSample = w2.expandDims(0).repeat(0, s[0])
                        .reshape(s[0] * s[1], s[1], 3, 3);
                NDArray z = EngineConv.unfoldBatch(layout, EngineConv.conv2d(layout,
                        EngineConv.foldBatch(layout, h), perSample, null, one, one, one, s[0]),
                        s[0]);
                NDArray y = Activation.relu(batchNorm(m, z).add(x));
                NDArray loss = y.mul(y).sum();
                JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
                w1.getGradient().get(0).toFloatArray(); // forces completion
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static NDArray batchNorm(NDManager m, NDArray x) {
        long c = x.getShape().get(1);
        return ai.djl.nn.norm.BatchNorm.batchNorm(x, m.zeros(new Shape(c)), m.ones(new Shape(c)),
                m.ones(new Shape(c)), m.zeros(new Shape(c)), 1, 0.1f, 1e-5f, true)
                .singletonOrThrow();
    }

    private static NDArray gaussian(NDManager m, Random random, Shape s, float scale) {
        float[] v = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (float) random.nextGaussian();
        }
        return m.create(v, s);
    }
}
