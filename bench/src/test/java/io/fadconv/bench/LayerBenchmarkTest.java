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

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            calls.add((training ? "training" : "inference") + " grad="
                    + ai.djl.pytorch.jni.JniUtils.isGradMode());
            return new NDList(inputs.singletonOrThrow().mul(2));
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
}
