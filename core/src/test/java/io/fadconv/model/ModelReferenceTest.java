package io.fadconv.model;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fadconv.model.encoder.InvertedResidual;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.TorchStateDict;
import io.fadconv.nn.TorchTensor;
import io.fadconv.nn.TorchWeights;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.RefMath;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole networks against segmentation_models_pytorch / torchvision (make_fixtures.py): the
 * reference's weights are loaded by PyTorch name, and the logits (inference mode, also with the
 * BatchNorms folded into the convolutions, and training mode) and the BatchNorm running
 * statistics after one training pass must agree.
 */
class ModelReferenceTest extends EngineTest {

    private static final double TOLERANCE = 1e-4;
    static Stream<Arguments> networks() {
        ModelSpec unet = ModelSpec.of("resnet18-unet", "static", 4, 2)
                .withOption("width", "0.03125").withOption("decoder", "8/8/4/4/4");
        ModelSpec deeplab = ModelSpec.of("deeplabv3plus-resnet18", "static", 3, 2)
                .withOption("width", "0.03125").withOption("channels", "8")
                .withOption("rates", "1/2/3").withOption("dropout", "0");
        return Stream.of(
                Arguments.of("tiny-resnet18-unet", unet),
                Arguments.of("tiny-deeplab-smp", deeplab.withOption("variant", "smp")),
                Arguments.of("tiny-deeplab-paper", deeplab.withOption("variant", "paper")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void matchesReference(String fixture, ModelSpec spec) throws IOException {
        Map<String, TorchTensor> io = Fixtures.tensors(fixture + ".io.npz");
        try (NDManager m = manager.newSubManager()) {
            NDArray x = array(m, io.get("input"));
            SegmentationModel model = Models.create(spec);
            model.initialize(m, DataType.FLOAT32, x.getShape());
            model.loadTorch(Fixtures.path(fixture + ".weights.npz"));
            compare(model, x, io);
        }
    }

    static Stream<Arguments> blocks() {
        return Stream.of(Arguments.of("invres-t6-s1", 8, 8, 1, 6),
                Arguments.of("invres-t6-s2", 8, 12, 2, 6), Arguments.of("invres-t1", 8, 4, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void invertedResidualMatchesTorchvision(String fixture, int in, int out, int stride, int t)
            throws IOException {
        Map<String, TorchTensor> io = Fixtures.tensors(fixture + ".io.npz");
        try (NDManager m = manager.newSubManager()) {
            NDArray x = array(m, io.get("input"));
            Block block = new InvertedResidual(new ConvFactory(ConvSpec.parse("static"),
                    Set.of()), "b", "stage", in, out, stride, t);
            block.initialize(m, DataType.FLOAT32, x.getShape());
            TorchWeights.load(block, Fixtures.path(fixture + ".weights.npz"));
            compare(block, x, io);
        }
    }

    private static void compare(Block block, NDArray x, Map<String, TorchTensor> io) {
        NDArray eval = Blocks.forward(block, x, false);
        assertThat(eval.getShape().getShape()).containsExactly(io.get("eval").shape());
        assertThat(RefMath.relativeError(doubles(io.get("eval")), eval.toFloatArray()))
                .as("inference-mode logits").isLessThan(TOLERANCE);
        if (block instanceof SegmentationModel model) {
            try (FoldedModel folded = model.foldBatchNorm()) {
                assertThat(folded.foldedUnits()).isEqualTo(FoldedModelTest.units(model));
                assertThat(RefMath.relativeError(doubles(io.get("eval")),
                        folded.logits(x).toFloatArray()))
                        .as("inference-mode logits, BatchNorms folded").isLessThan(TOLERANCE);
            }
        }
        NDArray train = block.forward(new ParameterStore(x.getManager(), false),
                new ai.djl.ndarray.NDList(x), true).singletonOrThrow();
        assertThat(RefMath.relativeError(doubles(io.get("train")), train.toFloatArray()))
                .as("training-mode logits").isLessThan(TOLERANCE);
        int checked = 0;
        for (Map.Entry<String, TorchStateDict.Entry> e
                : TorchWeights.stateDict(block).entries().entrySet()) {
            TorchTensor after = io.get("after." + e.getKey());
            if (after != null && e.getValue() instanceof TorchStateDict.ParamEntry p) {
                assertThat(RefMath.relativeError(doubles(after),
                        p.parameter().getArray().toFloatArray()))
                        .as("running statistics " + e.getKey()).isLessThan(TOLERANCE);
                checked++;
            }
        }
        assertThat(checked).as("BatchNorm statistics compared").isGreaterThan(2);
    }

    static NDArray array(NDManager m, TorchTensor t) {
        return m.create(t.floats(), new Shape(t.shape()));
    }

    static double[] doubles(TorchTensor t) {
        float[] f = t.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
