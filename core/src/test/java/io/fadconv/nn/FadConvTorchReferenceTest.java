package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.RefMath;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FadConv loaded with weights of the authors' PyTorch module gives that module's output and
 * gradients (fixtures written by the reference itself, see resources/nn/README.md).
 */
class FadConvTorchReferenceTest extends EngineTest {

    static Path fixture(String name) throws Exception {
        return Path.of(FadConvTorchReferenceTest.class.getResource("/nn/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "stride_dil", "depthwise", "batch1_k5"})
    void outputAndGradientsMatchTheAuthorsModule(String name) throws Exception {
        Map<String, TorchTensor> f = TensorFiles.read(fixture("fadconv_" + name + ".npz"));
        long[] c = f.get("config").longs();
        int b = (int) c[0];
        int ch = (int) c[1];
        int h = (int) c[3];
        int w = (int) c[4];
        FadConv conv = FadConv.builder()
                .setFilters((int) c[2])
                .setKernelShape(new Shape(c[5], c[5]))
                .optStride(new Shape(c[6], c[6]))
                .optPadding(new Shape(c[7], c[7]))
                .optDilation(new Shape(c[8], c[8]))
                .optGroups((int) c[9])
                .optExperts((int) c[10])
                .optLowFrequencies((int) c[11])
                .optHighFrequencies((int) c[12])
                .build();
        try (NDManager m = manager.newSubManager()) {
            Blocks.init(conv, m, new Shape(b, ch, h, w));
            TorchWeights.fromTensors(conv, f, "state.");
            NDArray x = m.create(f.get("input").floats(), new Shape(b, ch, h, w));
            x.setRequiresGradient(true);
            NDArray r = m.create(f.get("output_weight").floats(),
                    new Shape(f.get("output_weight").shape()));
            NDArray y;
            try (GradientCollector gc = Engine.getEngine(Djl.ENGINE).newGradientCollector()) {
                y = conv.forward(new ParameterStore(m, false), new NDList(x), true)
                        .singletonOrThrow();
                gc.backward(y.mul(r).sum());
            }
            assertThat(y.getShape().getShape()).containsExactly(f.get("output").shape());
            assertClose("output", f.get("output"), y);
            assertClose("grad_input", f.get("grad_input"), x.getGradient());
            TorchWeights.stateDict(conv).entries().forEach((key, e) -> {
                if (e instanceof TorchStateDict.ParamEntry p) {
                    assertClose("grad." + key, f.get("grad." + key),
                            p.parameter().getArray().getGradient());
                }
            });
        }
    }

    private static void assertClose(String what, TorchTensor expected, NDArray actual) {
        double[] ref = new double[expected.floats().length];
        float[] e = expected.floats();
        for (int i = 0; i < e.length; i++) {
            ref[i] = e[i];
        }
        assertThat(RefMath.relativeError(ref, actual.toFloatArray())).as(what).isLessThan(1e-4);
    }
}
