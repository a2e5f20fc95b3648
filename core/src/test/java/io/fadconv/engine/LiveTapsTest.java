package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import io.fadconv.testing.EngineTest;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Taps that only ever meet the padding are not computed: which ones (by hand), and a static
 * convolution that crops them against the double-precision reference that computes every tap,
 * in value and gradient, in both layouts.
 */
class LiveTapsTest extends EngineTest {

    private static final Shape ONE = new Shape(1, 1);

    @org.junit.jupiter.api.Test
    void asppDilationBeyondTheMapLeavesTheCentreTap() {
        // DeepLabV3+ at 256 x 256: 16 x 16 maps, 3 x 3 dilated 18 and padded 18 ("same")
        // one tap: dilation plays no part
        assertCrop(LiveTaps.of(new Shape(8, 512, 16, 16), new Shape(256, 512, 3, 3), ONE,
                new Shape(18, 18), new Shape(18, 18)), 1, 1, new Shape(0, 0), ONE);
    }

    @org.junit.jupiter.api.Test
    void everyTapThatMeetsTheInputSomewhereIsKept() {
        // dilation 12 on 16 x 16: the outer taps meet the map's four border rows and columns
        assertThat(LiveTaps.of(new Shape(8, 512, 16, 16), new Shape(256, 512, 3, 3), ONE,
                new Shape(12, 12), new Shape(12, 12))).isNull();
        assertThat(LiveTaps.of(new Shape(8, 64, 64, 64), new Shape(64, 64, 3, 3), ONE, ONE, ONE))
                .isNull();
        // stride 2 on 6 x 6, dilation and padding 5: the first tap is dead, the last one is not
        // (only symmetric crops are made)
        assertThat(LiveTaps.of(new Shape(1, 1, 6, 6), new Shape(1, 1, 3, 3), new Shape(2, 2),
                new Shape(5, 5), new Shape(5, 5))).isNull();
    }

    @org.junit.jupiter.api.Test
    void aFiveByFiveKeepsItsInnerTapsWithThePaddingThatAlignsThem() {
        // 5 x 5 map, 5 x 5 kernel dilated 3 padded 6: taps 0 and 4 only meet padding
        assertCrop(LiveTaps.of(new Shape(2, 4, 5, 5), new Shape(4, 4, 5, 5), ONE,
                new Shape(6, 6), new Shape(3, 3)), 1, 3, new Shape(3, 3), new Shape(3, 3));
    }

    /** A crop of the same taps along both dimensions, with its padding and dilation. */
    private static void assertCrop(LiveTaps t, long first, long last, Shape padding,
            Shape dilation) {
        assertThat(new long[] {t.firstRow(), t.lastRow(), t.firstCol(), t.lastCol()})
                .containsExactly(first, last, first, last);
        assertThat(t.padding()).isEqualTo(padding);
        assertThat(t.dilation()).isEqualTo(dilation);
    }

    @ParameterizedTest(name = "{0} {1}x{2} k{3} s{4} p{5} d{6}")
    @CsvSource({
        "NCHW, 6, 6, 3, 1, 6, 6",
        "CHANNELS_LAST, 6, 6, 3, 1, 6, 6",
        "NCHW, 5, 12, 3, 1, 6, 6",
        "CHANNELS_LAST, 5, 5, 5, 1, 6, 3",
        "NCHW, 7, 7, 3, 2, 8, 8",
        "NCHW, 6, 6, 3, 2, 5, 5"})
    void aConvolutionMatchesTheReferenceThatComputesEveryTap(ConvLayout layout, int h, int w,
            int k, int stride, int pad, int dil) {
        int b = 2;
        int c = 4;
        int o = 3;
        Random rnd = new Random(h * 31 + w * 7 + k + pad + layout.ordinal());
        try (NDManager m = manager.newSubManager()) {
            float[] xv = Tensors.uniform(rnd, b * c * h * w);
            float[] wv = Tensors.uniform(rnd, o * c * k * k);
            NDArray x = m.create(xv, new Shape(b, c, h, w));
            NDArray weight = m.create(wv, new Shape(o, c, k, k));
            x.setRequiresGradient(true);
            weight.setRequiresGradient(true);
            Shape s = new Shape(stride, stride);
            Shape p = new Shape(pad, pad);
            Shape d = new Shape(dil, dil);
            NDArray y;
            NDArray r;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                y = EngineConv.conv2d(layout, x, weight, null, s, p, d, 1);
                r = m.create(Tensors.uniform(rnd, (int) y.getShape().size()), y.getShape());
                gc.backward(y.mul(r).sum());
            }
            double[][][][] xd = Tensors.to4(Tensors.values(x), b, c, h, w);
            double[][][][] wd = Tensors.to4(Tensors.values(weight), o, c, k, k);
            int[] si = {stride, stride};
            int[] pi = {pad, pad};
            int[] di = {dil, dil};
            double[][][][] ref = RefMath.conv2d(xd, new double[][][][][] {wd, wd}, null, si, pi,
                    di, 1);
            assertThat(y.getShape().getShape())
                    .containsExactly(b, o, ref[0][0].length, ref[0][0][0].length);
            assertThat(RefMath.relativeError(Tensors.flat(ref), y.toFloatArray()))
                    .isLessThan(1e-5);
            double[][] grads = RefMath.conv2dGradients(xd, wd, Tensors.to4(Tensors.values(r), b,
                    o, ref[0][0].length, ref[0][0][0].length), si, pi, di, 1);
            assertThat(RefMath.relativeError(grads[0], x.getGradient().toFloatArray()))
                    .as("input gradient").isLessThan(1e-5);
            assertThat(RefMath.relativeError(grads[1], weight.getGradient().toFloatArray()))
                    .as("weight gradient (zero at the dead taps)").isLessThan(1e-5);
        }
    }
}
