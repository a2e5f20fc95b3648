package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.testing.EngineCopies;
import io.fadconv.testing.Tensors;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Unfolding channels-last input for kernels with their channels innermost (im2col-bmm's) hands
 * x's gradient back channels-last: sliced as {@code [B, C, H, W]}, the slices' gradients were
 * NCHW arrays, and the BatchNorm and ReLU before the layer then met mixed memory orders in their
 * backward (resnet18-unet's layers at 256 channels 16 x 16: 27.3 against 22.5 ms, AMD EPYC).
 */
class UnfoldGradientTest {

    @Test
    void theUnfoldingsBackwardHandsTheGradientBackChannelsLast() {
        int b = 2;
        int c = 3;
        int h = 5;
        int w = 6;
        Random rnd = new Random(3);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            NDArray x = EngineConv.channelsLast(
                    m.create(Tensors.uniform(rnd, b * c * h * w), new Shape(b, c, h, w)));
            x.setRequiresGradient(true);
            Shape one = new Shape(1, 1);
            Shape none = new Shape(0, 0);
            int oh = h - 2;
            int ow = w - 2;
            float[] r = Tensors.uniform(rnd, b * 9 * c * oh * ow);
            NDArray weights = m.create(r, new Shape(b, 9L * c, (long) oh * ow));
            // x seen through [B, H W C]: the view's backward copies the gradient unless it is
            // channels-last (FoldBatchGradientTest)
            Supplier<NDArray> loss = () -> Unfold.of(x.transpose(0, 2, 3, 1)
                    .reshape(b, (long) h * w * c).reshape(b, h, w, c).transpose(0, 3, 1, 2),
                    3, 3, one, none, one, true).matrix().mul(weights).sum();
            assertThat(EngineCopies.ofForwardAndBackward(m, x, loss).backward())
                    .as("copies of a gradient the backward made: none when it is channels-last")
                    .isZero();
            // the values: each input pixel gathers the weights of the columns that read it
            float[] got = x.getGradient().toFloatArray();
            for (int n = 0; n < b; n++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int q = 0; q < w; q++) {
                            double expected = 0;
                            for (int ki = 0; ki < 3; ki++) {
                                for (int kj = 0; kj < 3; kj++) {
                                    int py = y - ki;
                                    int px = q - kj;
                                    if (py >= 0 && py < oh && px >= 0 && px < ow) {
                                        int row = (ki * 3 + kj) * c + ch; // tap, then channel
                                        expected += r[(n * 9 * c + row) * oh * ow + py * ow + px];
                                    }
                                }
                            }
                            assertThat((double) got[((n * c + ch) * h + y) * w + q])
                                    .isCloseTo(expected, within(1e-5));
                        }
                    }
                }
            }
        }
    }
}
