package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.testing.ConvCheck;
import io.fadconv.testing.EngineTest;
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
        // the reference computes every tap, the dead ones included (their weight gradient is 0)
        ConvCheck.Case t = new ConvCheck.Case(2, 4, 3, h, w, k, stride, pad, dil, 1, false);
        try (NDManager m = manager.newSubManager()) {
            ConvCheck.assertMatches(m, new Random(h * 31 + w * 7 + k + pad + layout.ordinal()), t,
                    (x, weight, bias) -> EngineConv.conv2d(layout, x, weight, null,
                            t.strideShape(), t.paddingShape(), t.dilationShape(), 1), 1e-5);
        }
    }
}
