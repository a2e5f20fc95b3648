package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.GuardedConv.Route;
import io.fadconv.testing.ConvCheck;
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
        // ungrouped with two or more input channels stay on oneDNN at any channel count: the
        // stem, a head, a small decoder; one input channel is padded to the block
        "64, 3, 7, 1, 1, ONEDNN", "2, 16, 3, 1, 1, ONEDNN", "40, 24, 3, 2, 1, ONEDNN",
        "4, 4, 3, 1, 1, ONEDNN", "4, 1, 3, 1, 1, PADDED", "1, 1, 3, 1, 1, PADDED",
        "16, 1, 7, 1, 1, PADDED",
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
        "PADDED, 2, 5, 3, 8, 3, 1, 2, 2, 1",
        "PADDED, 2, 1, 4, 9, 3, 1, 1, 1, 1"})
    void matchesTheReferenceInValueAndGradients(Route route, int b, int c, int o, int size,
            int k, int stride, int pad, int dil, int groups) {
        ConvCheck.Case t = new ConvCheck.Case(b, c, o, size, size, k, stride, pad, dil, groups,
                true);
        try (NDManager m = Djl.engine().newBaseManager()) {
            ConvCheck.assertMatches(m, new Random(31L * b + 7L * c + o + k + groups), t,
                    (x, w, bias) -> GuardedConv.conv2d(route, x, w, bias, t.strideShape(),
                            t.paddingShape(), t.dilationShape(), groups), 1e-5);
        }
    }

    /**
     * The padded route hands oneDNN its input channels-last (given NCHW input, this CPU's
     * blocked kernels were the wrong ones), made in one copy: x's values, then zero channels.
     */
    @ParameterizedTest(name = "C{0} + {1} zero channels, input channels-last {2}")
    @CsvSource({"3, 13, false", "3, 13, true", "5, 11, false", "16, 0, false", "16, 0, true"})
    void padsChannelsInChannelsLastMemory(int c, int extra, boolean nhwcInput) {
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray x = m.arange(2 * c * 4 * 5).toType(DataType.FLOAT32, false)
                    .reshape(2, c, 4, 5);
            NDArray in = nhwcInput ? EngineConv.channelsLast(x) : x;
            NDArray padded = GuardedConv.zeroChannelsLast(in, extra);
            assertThat(padded.getShape()).isEqualTo(new Shape(2, c + extra, 4, 5));
            assertThat(padded.get(":, 0:{}", c).toFloatArray()).containsExactly(x.toFloatArray());
            if (extra > 0) {
                assertThat(padded.get(":, {}:", c).toFloatArray()).containsOnly(0f);
            }
            assertThat(Tensors.nhwcInMemory(padded)).isTrue();
        }
    }

    /**
     * Ungrouped convolutions at channel counts that are not multiples of 16, as the engine runs
     * them in the configuration in use (under the guard: oneDNN channels-last, the output copied
     * to NCHW while gradients are recorded), against the double reference in value and both
     * gradients: the stem, a small decoder, a head.
     */
    @ParameterizedTest(name = "N{0} C{1}->{2} {3}x{3} k{4} s{5}")
    @CsvSource({"2, 3, 64, 32, 7, 2, 3", "1, 3, 16, 20, 7, 2, 3", "2, 8, 4, 16, 3, 1, 1",
        "3, 4, 4, 12, 3, 1, 1", "2, 16, 6, 10, 3, 1, 1", "1, 24, 40, 9, 5, 2, 2"})
    void smallChannelsAsTheEngineRunsThemMatchTheReference(int b, int c, int o, int size, int k,
            int stride, int pad) {
        ConvCheck.Case t = new ConvCheck.Case(b, c, o, size, size, k, stride, pad, 1, 1, true);
        try (NDManager m = Djl.engine().newBaseManager()) {
            ConvCheck.assertMatches(m, new Random(17L * b + c + 5L * o + k), t,
                    (x, w, bias) -> EngineConv.conv2d(ConvLayout.CHANNELS_LAST, x, w, bias,
                            t.strideShape(), t.paddingShape(), t.dilationShape(), 1), 1e-5);
        }
    }

    /**
     * While gradients are recorded, an ungrouped convolution's output whose channels are not a
     * multiple of 16 is handed on in NCHW memory (BatchNorm was 3-4x slower on it
     * channels-last); otherwise, and in inference, as oneDNN gave it. The same values either way.
     */
    @ParameterizedTest(name = "{0} channels, {1} groups, gradients recorded {2}")
    @CsvSource({"6, 1, true, false", "6, 1, false, true", "16, 1, true, true",
        "4, 1, true, false", "24, 24, true, true"})
    void handsSmallOutputsOnInNchwWhileTraining(int channels, int groups, boolean grad,
            boolean nhwc) {
        boolean before = ai.djl.pytorch.jni.JniUtils.isGradMode();
        try (NDManager m = Djl.engine().newBaseManager()) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
            NDArray y = EngineConv.channelsLast(m.arange(2 * channels * 3 * 4)
                    .toType(DataType.FLOAT32, false).reshape(2, channels, 3, 4));
            NDArray handed = GuardedConv.handedOn(y, groups);
            assertThat(handed.getShape()).isEqualTo(y.getShape());
            assertThat(handed.toFloatArray()).containsExactly(y.toFloatArray());
            assertThat(Tensors.nhwcInMemory(handed)).isEqualTo(nhwc);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(before);
        }
    }
}
