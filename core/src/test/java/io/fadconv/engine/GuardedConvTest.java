package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import io.fadconv.engine.GuardedConv.Route;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guard of {@code channels-last-guarded}: which convolutions it keeps away from oneDNN, and
 * that its other routes compute convolutions and both gradients as the double-precision
 * reference does, at batch 1 and larger (the matrix-product and unfolding routes never reach
 * oneDNN; the padded one does, at channel counts it computed right on every CPU seen).
 */
class GuardedConvTest {

    @ParameterizedTest(name = "O{0} C/g{1} k{2} d{3} g{4} -> {5}")
    @CsvSource({
        // 1 x 1: a matrix product; grouped ones unfolded
        "64, 64, 1, 1, 1, MATMUL", "40, 40, 1, 1, 1, MATMUL", "320, 48, 1, 1, 1, MATMUL",
        "64, 16, 1, 1, 4, UNFOLD",
        // channel groups that are multiples of 16 stay on oneDNN, dilated or not
        "64, 64, 3, 1, 1, ONEDNN", "512, 256, 3, 1, 1, ONEDNN", "256, 256, 3, 12, 1, ONEDNN",
        "128, 16, 3, 1, 8, ONEDNN",
        // ungrouped ones padded to the block: the stem, a head, one input channel
        "64, 3, 7, 1, 1, PADDED", "2, 16, 3, 1, 1, PADDED", "4, 1, 3, 1, 1, PADDED",
        "1, 1, 3, 1, 1, PADDED", "40, 24, 3, 2, 1, PADDED",
        // grouped ones unfolded: a channel multiplier, 24 channels per group
        "12, 1, 3, 1, 6, UNFOLD", "96, 24, 3, 1, 4, UNFOLD",
        // depthwise: oneDNN's own kernels, unless dilated
        "24, 1, 3, 1, 24, ONEDNN", "960, 1, 3, 1, 960, ONEDNN", "64, 1, 3, 2, 64, UNFOLD"})
    void routes(long out, long inPerGroup, long k, long dil, int groups, Route expected) {
        assertThat(GuardedConv.route(new Shape(out, inPerGroup, k, k), new Shape(dil, dil),
                groups)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} N{1} C{2}->{3} {4}x{4} k{5} s{6} p{7} d{8} g{9}")
    @CsvSource({
        "MATMUL, 1, 8, 5, 6, 1, 1, 0, 1, 1",
        "MATMUL, 2, 40, 24, 7, 1, 2, 0, 1, 1",
        "MATMUL, 2, 6, 4, 5, 1, 1, 1, 1, 1",
        "UNFOLD, 1, 3, 8, 11, 7, 2, 3, 1, 1",
        "UNFOLD, 2, 6, 12, 9, 3, 1, 1, 1, 6",
        "UNFOLD, 2, 1, 4, 9, 3, 1, 1, 1, 1",
        "UNFOLD, 3, 8, 8, 10, 3, 1, 2, 2, 8",
        "UNFOLD, 2, 12, 8, 9, 5, 2, 2, 1, 4",
        "UNFOLD, 1, 8, 16, 8, 1, 1, 0, 1, 2",
        // oneDNN in channels-last at channel counts that are multiples of 16 (right on every
        // CPU seen, the AMD Zen 5 included)
        "PADDED, 2, 3, 16, 12, 7, 2, 3, 1, 1",
        "PADDED, 1, 16, 6, 9, 3, 1, 1, 1, 1",
        "PADDED, 2, 5, 3, 8, 3, 1, 2, 2, 1"})
    void matchesTheReferenceInValueAndGradients(Route route, int b, int c, int o, int size,
            int k, int stride, int pad, int dil, int groups) {
        Random rnd = new Random(31L * b + 7L * c + o + k + groups);
        try (NDManager m = Djl.engine().newBaseManager()) {
            float[] xv = Tensors.uniform(rnd, b * c * size * size);
            float[] wv = Tensors.uniform(rnd, o * c / groups * k * k);
            float[] bv = Tensors.uniform(rnd, o);
            NDArray x = m.create(xv, new Shape(b, c, size, size));
            NDArray w = m.create(wv, new Shape(o, c / groups, k, k));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            Shape s = new Shape(stride, stride);
            Shape p = new Shape(pad, pad);
            Shape d = new Shape(dil, dil);
            NDArray y;
            NDArray r;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                y = GuardedConv.conv2d(route, x, w, m.create(bv), s, p, d, groups);
                r = m.create(Tensors.uniform(rnd, (int) y.getShape().size()), y.getShape());
                gc.backward(y.mul(r).sum());
            }
            double[][][][] xd = Tensors.to4(Tensors.values(x), b, c, size, size);
            double[][][][] wd = Tensors.to4(Tensors.values(w), o, c / groups, k, k);
            double[][][][][] perSample = new double[b][][][][];
            double[][] bias = new double[b][];
            for (int n = 0; n < b; n++) {
                perSample[n] = wd;
                bias[n] = Tensors.values(m.create(bv));
            }
            int[] si = {stride, stride};
            int[] pi = {pad, pad};
            int[] di = {dil, dil};
            double[][][][] ref = RefMath.conv2d(xd, perSample, bias, si, pi, di, groups);
            int oh = ref[0][0].length;
            int ow = ref[0][0][0].length;
            assertThat(y.getShape().getShape()).containsExactly(b, o, oh, ow);
            assertThat(RefMath.relativeError(Tensors.flat(ref), y.toFloatArray()))
                    .isLessThan(1e-5);
            double[][] grads = RefMath.conv2dGradients(xd, wd, Tensors.to4(Tensors.values(r), b,
                    o, oh, ow), si, pi, di, groups);
            assertThat(RefMath.relativeError(grads[0], x.getGradient().toFloatArray()))
                    .as("input gradient").isLessThan(1e-5);
            assertThat(RefMath.relativeError(grads[1], w.getGradient().toFloatArray()))
                    .as("weight gradient").isLessThan(1e-5);
        }
    }
}
