package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.testing.EngineCopies;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The batch fold's backward hands x's gradient back in channels-last memory, the order of x and
 * of every other gradient of x, with one copy: left as a view of the folded {@code [H, W, B, C]}
 * order, it made the ops that meet it in the backward mix memory orders (BENCHMARKS.md). The
 * memory order of a gradient inside the backward cannot be read from Java, so the engine's own
 * profiler counts the copies.
 */
class FoldBatchGradientTest {

    @Test
    void theFoldsBackwardCopiesTheGradientIntoChannelsLastMemoryOnce() {
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            NDArray x = EngineConv.channelsLast(m.randomNormal(new Shape(2, 3, 4, 5)));
            x.setRequiresGradient(true);
            // the gradient reaching the fold is w: dense, in the folded order's memory
            NDArray w = EngineConv.channelsLast(m.randomNormal(new Shape(1, 6, 4, 5)));
            Supplier<NDArray> loss =
                    () -> EngineConv.foldBatch(ConvLayout.CHANNELS_LAST, x).mul(w).sum();
            EngineCopies.Counts copies = EngineCopies.ofForwardAndBackward(m, x, loss);
            assertThat(copies.forward()).as("the fold's one copy").isEqualTo(1);
            assertThat(copies.backward()).as("copies made by the backward").isEqualTo(1);
            // the values: the gradient of a fold is the unfolded incoming gradient
            assertThat(x.getGradient().toFloatArray())
                    .containsExactly(w.reshape(2, 3, 4, 5).toFloatArray());
        }
    }
}
