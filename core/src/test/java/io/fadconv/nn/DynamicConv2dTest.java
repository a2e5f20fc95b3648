package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.KernelMemory;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every per-sample convolution strategy against the double-precision reference. */
class DynamicConv2dTest {

    @ParameterizedTest(name = "B{0} C{1} O{2} {3}x{4} k{5} s{6} p{7} d{8} g{9} bias={10}")
    @CsvSource({
        "2, 4, 6, 8, 8, 3, 1, 1, 1, 1, true",
        "3, 5, 4, 9, 7, 3, 2, 1, 1, 1, false",
        "2, 3, 4, 11, 10, 3, 1, 2, 2, 1, true",
        "2, 4, 2, 8, 9, 5, 2, 2, 1, 1, false",
        "2, 6, 3, 6, 6, 1, 1, 0, 1, 1, true",
        "2, 2, 3, 7, 12, 2, 1, 0, 1, 1, false",
        "2, 4, 6, 8, 8, 3, 1, 1, 1, 2, true",
        "3, 6, 6, 6, 6, 3, 1, 1, 1, 6, false",
        "1, 4, 6, 8, 8, 3, 1, 1, 1, 1, true",
        "1, 4, 4, 7, 7, 3, 2, 1, 1, 2, false",
        "5, 3, 4, 6, 7, 3, 1, 1, 1, 1, true",
        "4, 4, 4, 6, 6, 3, 2, 1, 1, 2, false"
    })
    void everyStrategyMatchesTheReferenceInValueAndGradient(int b, int c, int o, int h, int w,
            int k, int s, int p, int d, int g, boolean withBias) {
        Djl.engine();
        Random rnd = new Random(b * 131 + c * 17 + h + g);
        int cg = c / g;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Tensors.uniform(rnd, b * c * h * w), new Shape(b, c, h, w));
            NDArray kernels = m.create(Tensors.uniform(rnd, b * o * cg * k * k),
                    new Shape(b, o, cg, k, k));
            NDArray bias = withBias ? m.create(Tensors.uniform(rnd, b * o), new Shape(b, o)) : null;
            int[] st = {s, s};
            int[] pad = {p, p};
            int[] dil = {d, d};
            double[][][][] x4 = Tensors.to4(Tensors.values(x), b, c, h, w);
            double[][][][][] k5 = Tensors.to5(Tensors.values(kernels), b, o, cg, k, k);
            double[][] b2 = withBias ? Tensors.to2(Tensors.values(bias), b, o) : null;
            double[][][][] expected = RefMath.conv2d(x4, k5, b2, st, pad, dil, g);
            int oh = expected[0][0].length;
            int ow = expected[0][0][0].length;
            float[] rv = Tensors.uniform(rnd, b * o * oh * ow);
            double[][][][] r4 = Tensors.to4(toDouble(rv), b, o, oh, ow);
            // per sample: dx and dkernel from the reference's loops; dbias = sum of r
            double[] dx = new double[b * c * h * w];
            double[] dk = new double[b * o * cg * k * k];
            double[] db = new double[b * o];
            for (int n = 0; n < b; n++) {
                double[][] gr = RefMath.conv2dGradients(new double[][][][] {x4[n]}, k5[n],
                        new double[][][][] {r4[n]}, st, pad, dil, g);
                System.arraycopy(gr[0], 0, dx, n * c * h * w, c * h * w);
                System.arraycopy(gr[1], 0, dk, n * o * cg * k * k, o * cg * k * k);
                for (int oc = 0; oc < o; oc++) {
                    for (double[] row : r4[n][oc]) {
                        db[n * o + oc] += Arrays.stream(row).sum();
                    }
                }
            }
            int tried = 0;
            for (DynamicConv2d.Strategy strategy : DynamicConv2d.Strategy.values()) {
                boolean applies = strategy != DynamicConv2d.Strategy.EXPERT_SUM
                        && (b == 1 || strategy.applies(b, g, 0));
                if (!applies) {
                    if (b > 1) {
                        assertThatThrownBy(() -> DynamicConv2d.conv2d(x, kernels, bias,
                                new Shape(s, s), new Shape(p, p), new Shape(d, d), g, strategy))
                                .hasMessageContaining("cannot run");
                    }
                    continue;
                }
                tried++;
                x.setRequiresGradient(true);
                kernels.setRequiresGradient(true);
                if (bias != null) {
                    bias.setRequiresGradient(true);
                }
                NDArray y;
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    y = DynamicConv2d.conv2d(x, kernels, bias, new Shape(s, s), new Shape(p, p),
                            new Shape(d, d), g, strategy);
                    gc.backward(y.mul(m.create(rv, y.getShape())).sum());
                }
                String as = strategy.name();
                assertThat(RefMath.relativeError(Tensors.flat(expected), y.toFloatArray()))
                        .as(as + " y").isLessThan(1e-5);
                assertThat(RefMath.relativeError(dx, x.getGradient().toFloatArray()))
                        .as(as + " dx").isLessThan(1e-5);
                assertThat(RefMath.relativeError(dk, kernels.getGradient().toFloatArray()))
                        .as(as + " dkernels").isLessThan(1e-5);
                if (bias != null) {
                    assertThat(RefMath.relativeError(db, bias.getGradient().toFloatArray()))
                            .as(as + " dbias").isLessThan(1e-5);
                }
                Tensors.clearGradients(x, kernels, bias); // before the next strategy
            }
            // batch 1 runs one plain convolution whatever the strategy; otherwise grouped and
            // per-sample always, im2col without groups, the halves from batch 4, NCHW only under
            // a channels-last configuration
            int chunked = b >= 4 ? 1 : 0;
            int nchw = io.fadconv.engine.EngineSetup.active().layout()
                    == io.fadconv.engine.ConvLayout.CHANNELS_LAST ? 1 : 0;
            assertThat(tried).isEqualTo(b == 1 ? DynamicConv2d.Strategy.values().length - 1
                    : 2 + (g == 1 ? 1 : 0) + chunked + nchw);
        }
    }

    @ParameterizedTest(name = "B{0} K{1} C{2} O{3} {4}x{4} k{5} s{6} p{7} g{8}")
    @CsvSource({
        "3, 4, 5, 6, 8, 3, 1, 1, 1",
        "2, 3, 4, 4, 9, 3, 2, 1, 1",
        "2, 2, 4, 6, 6, 1, 1, 0, 2",
        "1, 4, 3, 5, 7, 3, 1, 1, 1",
        "4, 3, 3, 5, 5, 3, 1, 1, 1"
    })
    void everyStrategyOfAMixtureMatchesTheReferenceInValueAndGradient(int b, int k, int c,
            int o, int h, int ks, int s, int p, int g) {
        Djl.engine();
        Random rnd = new Random(b + 7L * k + 31L * c + g);
        int cg = c / g;
        int kernel = o * cg * ks * ks;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Tensors.uniform(rnd, b * c * h * h), new Shape(b, c, h, h));
            NDArray logits = m.create(Tensors.uniform(rnd, b * k), new Shape(b, k));
            NDArray a = logits.softmax(-1);
            NDArray experts = m.create(Tensors.uniform(rnd, k * kernel),
                    new Shape(k, o, cg, ks, ks));
            NDArray biasExperts = m.create(Tensors.uniform(rnd, k * o), new Shape(k, o));
            double[] av = Tensors.values(a);
            double[] ev = Tensors.values(experts);
            double[] bev = Tensors.values(biasExperts);
            // a folded BatchNorm's shift, the same for every sample (a constant: no gradient)
            NDArray shift = m.create(Tensors.uniform(rnd, o), new Shape(o));
            double[] sv = Tensors.values(shift);
            // the mixed kernels and biases, in double precision, then the reference convolution
            double[] kv = new double[b * kernel];
            double[][] bias = new double[b][o];
            for (int n = 0; n < b; n++) {
                for (int j = 0; j < o; j++) {
                    bias[n][j] = sv[j];
                }
                for (int e = 0; e < k; e++) {
                    for (int i = 0; i < kernel; i++) {
                        kv[n * kernel + i] += av[n * k + e] * ev[e * kernel + i];
                    }
                    for (int j = 0; j < o; j++) {
                        bias[n][j] += av[n * k + e] * bev[e * o + j];
                    }
                }
            }
            int[] st = {s, s};
            int[] pad = {p, p};
            int[] dil = {1, 1};
            double[][][][] x4 = Tensors.to4(Tensors.values(x), b, c, h, h);
            double[][][][][] k5 = Tensors.to5(kv, b, o, cg, ks, ks);
            double[][][][] expected = RefMath.conv2d(x4, k5, bias, st, pad, dil, g);
            int oh = expected[0][0].length;
            float[] rv = Tensors.uniform(rnd, b * o * oh * oh);
            double[][][][] r4 = Tensors.to4(toDouble(rv), b, o, oh, oh);
            // chain rule by hand: per-sample kernel and bias gradients, then through the mixing
            double[] dx = new double[b * c * h * h];
            double[] dExperts = new double[k * kernel];
            double[] dBiasExperts = new double[k * o];
            double[] dA = new double[b * k];
            for (int n = 0; n < b; n++) {
                double[][] gr = RefMath.conv2dGradients(new double[][][][] {x4[n]}, k5[n],
                        new double[][][][] {r4[n]}, st, pad, dil, g);
                System.arraycopy(gr[0], 0, dx, n * c * h * h, c * h * h);
                double[] db = new double[o];
                for (int j = 0; j < o; j++) {
                    for (double[] row : r4[n][j]) {
                        db[j] += Arrays.stream(row).sum();
                    }
                }
                for (int e = 0; e < k; e++) {
                    for (int i = 0; i < kernel; i++) {
                        dExperts[e * kernel + i] += av[n * k + e] * gr[1][i];
                        dA[n * k + e] += gr[1][i] * ev[e * kernel + i];
                    }
                    for (int j = 0; j < o; j++) {
                        dBiasExperts[e * o + j] += av[n * k + e] * db[j];
                        dA[n * k + e] += db[j] * bev[e * o + j];
                    }
                }
            }
            // experts in plain memory, and kept with their input channels innermost as the
            // layers keep them under a channels-last configuration (KernelMemory)
            NDArray arranged = KernelMemory.arrange(experts, true);
            int tried = 0;
            for (DynamicConv2d.Strategy strategy : DynamicConv2d.Strategy.values()) {
                if (b > 1 && !strategy.applies(b, g, k) || b == 1 && tried > 0) {
                    continue;
                }
                tried++;
              for (NDArray ex : new NDArray[] {experts, arranged}) {
                for (NDArray leaf : new NDArray[] {x, a, ex, biasExperts}) {
                    leaf.setRequiresGradient(true);
                }
                NDArray y;
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    y = DynamicConv2d.mixture(x, a, ex, biasExperts, shift, new Shape(s, s),
                            new Shape(p, p), new Shape(1, 1), g, strategy);
                    gc.backward(y.mul(m.create(rv, y.getShape())).sum());
                }
                String as = strategy.name() + (ex == arranged ? " arranged" : " plain");
                assertThat(RefMath.relativeError(Tensors.flat(expected), y.toFloatArray()))
                        .as(as + " y").isLessThan(1e-5);
                assertThat(RefMath.relativeError(dx, x.getGradient().toFloatArray()))
                        .as(as + " dx").isLessThan(1e-5);
                assertThat(RefMath.relativeError(dA, a.getGradient().toFloatArray()))
                        .as(as + " dattention").isLessThan(1e-5);
                assertThat(RefMath.relativeError(dExperts, ex.getGradient().toFloatArray()))
                        .as(as + " dexperts").isLessThan(1e-5);
                assertThat(RefMath.relativeError(dBiasExperts,
                        biasExperts.getGradient().toFloatArray())).as(as + " dbias").isLessThan(1e-5);
                Tensors.clearGradients(x, a, ex, biasExperts);
              }
            }
            int chunked = b >= 4 ? 1 : 0;
            int nchw = io.fadconv.engine.EngineSetup.active().layout()
                    == io.fadconv.engine.ConvLayout.CHANNELS_LAST ? 1 : 0;
            assertThat(tried).isEqualTo(b == 1 ? 1 : (g == 1 ? 4 : 2) + chunked + nchw);
        }
    }

    @ParameterizedTest(name = "O{0} training={1}")
    @CsvSource({"16, false", "16, true", "8, true"})
    void everyStrategyHandsItsOutputOnInTheOrderOfTheConfigurationsConvolutions(int o,
            boolean training) {
        Djl.engine();
        Random rnd = new Random(5);
        // 16 input channels, so that a guarded configuration runs oneDNN's own kernels; 8 output
        // channels in training, which the guard hands on in NCHW
        int b = 4;
        int k = 3;
        int c = 16;
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector gc = training ? Djl.engine().newGradientCollector() : null) {
            // the input in the order the configuration's layers hand on
            NDArray x = m.create(Tensors.uniform(rnd, b * c * 6 * 6), new Shape(b, c, 6, 6));
            x = EngineSetup.active().layout() == ConvLayout.CHANNELS_LAST
                    ? EngineConv.channelsLast(x) : x;
            NDArray a = m.create(Tensors.uniform(rnd, b * k), new Shape(b, k)).softmax(-1);
            NDArray experts = m.create(Tensors.uniform(rnd, k * o * c * 9),
                    new Shape(k, o, c, 3, 3));
            Shape one = new Shape(1, 1);
            // what a static convolution of the same shape hands on
            boolean expected = Tensors.nhwcInMemory(EngineConv.conv2d(x,
                    experts.get(0), null, one, one, one, 1));
            assertThat(expected).as("channels-last when the configuration is, except where the "
                    + "guard hands NCHW on").isEqualTo(
                    EngineSetup.active().layout() == ConvLayout.CHANNELS_LAST
                            && !(EngineSetup.active().guarded() && training && o == 8));
            int checked = 0;
            for (DynamicConv2d.Strategy strategy : DynamicConv2d.Strategy.values()) {
                // GROUPED_NCHW leaves NCHW on purpose: the point of it
                if (!strategy.applies(b, 1, k) || strategy == DynamicConv2d.Strategy.GROUPED_NCHW) {
                    continue;
                }
                NDArray y = DynamicConv2d.mixture(x, a, experts, null, null, one, one, one, 1,
                        strategy);
                checked++;
                if (o % 16 != 0 && (strategy == DynamicConv2d.Strategy.GROUPED
                        || strategy == DynamicConv2d.Strategy.CHUNKED_GROUPED)) {
                    // grouped convolutions: the guard hands them on as they are at any count
                    continue;
                }
                assertThat(Tensors.nhwcInMemory(y)).as(strategy.name()).isEqualTo(expected);
            }
            assertThat(checked).isEqualTo(5);
        }
    }

    @ParameterizedTest(name = "C{0} {1} px groups {2} -> {3}")
    @CsvSource({"512, 64, 1, IM2COL_BMM", "64, 64, 1, IM2COL_BMM", "512, 256, 1, IM2COL_BMM",
        "256, 256, 1, GROUPED", "64, 16384, 1, GROUPED", "512, 64, 512, GROUPED"})
    void theFixedRuleIsTheOneMeasuredOnTheXeon(long c, long pixels, int groups, String expected) {
        assertThat(DynamicConv2d.Strategy.rule(c, pixels, groups).name()).isEqualTo(expected);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
