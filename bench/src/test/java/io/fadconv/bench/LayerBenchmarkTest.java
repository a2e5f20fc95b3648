package io.fadconv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a layer benchmark runs: forward and backward in training, the forward alone in
 * inference, with gradients recorded only in training. */
class LayerBenchmarkTest {

    /** Records each forward's training flag and the engine's gradient mode. */
    static final class Recording extends AbstractBlock {
        final List<String> calls = new ArrayList<>();
        final List<Boolean> nhwc = new ArrayList<>();

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            calls.add((training ? "training" : "inference") + " grad="
                    + ai.djl.pytorch.jni.JniUtils.isGradMode());
            nhwc.add(nhwcInMemory(inputs.singletonOrThrow()));
            return new NDList(inputs.singletonOrThrow().mul(2));
        }

        /** Whether the NHWC flattening is a view of x (writes through), restoring the value. */
        private static boolean nhwcInMemory(ai.djl.ndarray.NDArray x) {
            boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            try {
                float before = x.getFloat(0, 1, 0, 0);
                ai.djl.ndarray.NDArray flat = x.transpose(0, 2, 3, 1).flatten();
                ai.djl.ndarray.index.NDIndex second = new ai.djl.ndarray.index.NDIndex("1");
                flat.set(second, before + 1f); // NHWC index 1 = (0, 1, 0, 0)
                boolean view = x.getFloat(0, 1, 0, 0) != before;
                flat.set(second, before);
                return view;
            } finally {
                ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    @Test
    void inferenceRunsTheForwardAloneWithGradientsOffAndTrainingRecordsThem() {
        LayerBenchmark.Stage stage = new LayerBenchmark.Stage(4, 8);
        LayerBenchmark.Options options = new LayerBenchmark.Options(2, 0, 2);
        for (boolean inference : new boolean[] {true, false}) {
            Recording block = new Recording();
            List<LayerBenchmark.Row> rows = LayerBenchmark.run(List.of(stage),
                    List.of(new LayerBenchmark.Variant("recording", c -> block)), options,
                    inference, line -> { });
            assertThat(rows).hasSize(1);
            assertThat(block.calls).hasSize(2).containsOnly(inference ? "inference grad=false"
                    : "training grad=true");
            assertThat(LayerBenchmark.table(rows, inference))
                    .contains(inference ? "| forward ms |" : "| fwd+bwd ms |");
            assertThat(LayerBenchmark.summary(rows, inference)).isEmpty();
        }
    }

    @Test
    void eachModeGetsItsInputInTheLayoutThatModeConvolvesIn() {
        // channels-last-inference trains in NCHW and infers channels-last
        io.fadconv.engine.EngineConfig before = io.fadconv.engine.EngineSetup.switchTo(
                io.fadconv.engine.EngineConfig.CHANNELS_LAST_INFERENCE);
        try {
            for (boolean inference : new boolean[] {true, false}) {
                Recording block = new Recording();
                LayerBenchmark.run(List.of(new LayerBenchmark.Stage(4, 8)),
                        List.of(new LayerBenchmark.Variant("recording", c -> block)),
                        new LayerBenchmark.Options(2, 0, 1), inference, line -> { });
                assertThat(block.nhwc).as(inference ? "inference" : "training")
                        .containsOnly(inference);
            }
        } finally {
            io.fadconv.engine.EngineSetup.switchTo(before);
        }
    }
}
