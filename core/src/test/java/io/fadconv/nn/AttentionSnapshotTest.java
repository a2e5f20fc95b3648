package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.EngineTest;
import io.fadconv.testing.FadConvReference;
import io.fadconv.testing.Tensors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FadConv#lastAttention()}: the expert weights and descriptors of the last pass. */
class AttentionSnapshotTest extends EngineTest {

    @Test
    void recordsTheReferenceWeightsAndDescriptorsOnlyWhenAsked() {
        FadConvReferenceTest.Case t = new FadConvReferenceTest.Case(3, 8, 8, 12, 12, 3, 1, 1, 1,
                1, 8, 4, 0, FadConvReference.Mode.NETWORK, 4, false, 1f);
        try (NDManager m = manager.newSubManager()) {
            FadConv conv = FadConvReferenceTest.build(t);
            Blocks.init(conv, m, new Shape(t.b(), t.c(), t.h(), t.w()));
            Random rnd = new Random(5);
            Blocks.randomize(conv, rnd, 0.5f);
            NDArray x = m.create(Tensors.uniform(rnd, t.b() * t.c() * t.h() * t.w()),
                    new Shape(t.b(), t.c(), t.h(), t.w()));

            Blocks.forward(conv, x, false);
            assertThatThrownBy(conv::lastAttention).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("setRecording(true)");

            conv.setRecording(true);
            Blocks.forward(conv, x, false);
            FadConv.AttentionSnapshot s = conv.lastAttention();
            FadConvReference.Weights w = FadConvReferenceTest.weights(conv, t);
            FadConvReference.Config cfg = FadConvReferenceTest.config(t);
            double[][] d = FadConvReference.descriptors(
                    Tensors.to4(Tensors.values(x), t.b(), t.c(), t.h(), t.w()), w, cfg);
            double[][] a = FadConvReference.routing(d, w, cfg);
            assertThat(s.weights()).hasNumberOfRows(t.b());
            for (int b = 0; b < t.b(); b++) {
                float sum = 0;
                for (int e = 0; e < t.experts(); e++) {
                    assertThat((double) s.weights()[b][e]).isCloseTo(a[b][e],
                            org.assertj.core.data.Offset.offset(1e-5));
                    sum += s.weights()[b][e];
                }
                assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
                for (int c = 0; c < t.c(); c++) {
                    assertThat((double) s.descriptors()[b][c]).isCloseTo(d[b][c],
                            org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            // the attention path alone gives the same weights
            float[] path = conv.expertWeights(new ParameterStore(m, false), x, false)
                    .toFloatArray();
            assertThat(path[0]).isEqualTo(s.weights()[0][0]);

            conv.setRecording(false);
            assertThatThrownBy(conv::lastAttention).isInstanceOf(IllegalStateException.class);
        }
    }
}
