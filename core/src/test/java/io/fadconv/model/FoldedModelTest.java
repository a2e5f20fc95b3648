package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import io.fadconv.nn.Annealing;
import io.fadconv.nn.Convs;
import io.fadconv.testing.EngineTest;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole networks with their BatchNorms folded ({@link FoldedModel}) against the same networks
 * unfolded in inference mode, for every network and every convolution type (every conv-BN unit
 * built from the type), at batch 1 and 2, with BatchNorm statistics far from
 * their initial values (at the initial ones, mean 0 and variance 1, a fold that forgot the mean
 * or the epsilon would pass). The folded networks against the PyTorch reference are in
 * {@link ModelReferenceTest}; single layers and the algebra in {@link ConvBnActFoldTest}.
 */
class FoldedModelTest extends EngineTest {

    /** float32 rounding of two computations of the same network. */
    static final double TOLERANCE = 1e-5;

    /**
     * Small versions of every network, the published roles replaced (the other roles' units fold
     * the same way; every type in a separable convolution is in {@link ConvBnActFoldTest}).
     */
    static List<ModelSpec> networks(String conv) {
        ModelSpec deeplab = ModelSpec.of("deeplabv3plus-resnet18", conv, 3, 2)
                .withOption("width", "0.125").withOption("channels", "16")
                .withOption("rates", "1/2/3");
        return List.of(
                ModelSpec.of("resnet18-unet", conv, 3, 3).withOption("width", "0.125")
                        .withOption("decoder", "16/8/8/8/8"),
                ModelSpec.of("resnet34-unet", conv, 3, 2).withOption("width", "0.0625")
                        .withOption("decoder", "8/8/8/8/8")
                        .withOption("replace", "block+downsample"),
                ModelSpec.of("resnet18x0.25-unet", conv, 4, 1),
                ModelSpec.of("mobilenetv2-unet", conv, 3, 2).withOption("decoder", "16/8/8/8/8"),
                deeplab,
                deeplab.withOption("variant", "smp"));
    }

    static Stream<Arguments> networksAndTypes() {
        List<Arguments> out = new ArrayList<>();
        for (Convs.Type type : Convs.types()) {
            for (ModelSpec spec : networks(type.name())) {
                out.add(Arguments.of(spec.name() + " " + spec.options() + " " + type.name(),
                        spec));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networksAndTypes")
    void foldedNetworkGivesTheUnfoldedOutputsAtBatchOneAndTwo(String name, ModelSpec spec) {
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel model = build(m, spec, new Random(name.hashCode()));
            try (FoldedModel folded = model.foldBatchNorm()) {
                assertThat(folded.foldedUnits()).isEqualTo(units(model));
                for (int batch : new int[] {1, 2}) {
                    NDArray x = m.randomNormal(new Shape(batch, spec.inChannels(), 32, 32));
                    NDArray expected = model.logits(new ParameterStore(m, false), x, false);
                    NDArray got = folded.logits(x);
                    assertThat(got.getShape()).isEqualTo(expected.getShape());
                    assertThat(RefMath.relativeError(Tensors.values(expected),
                            got.toFloatArray())).as("batch " + batch).isLessThan(TOLERANCE);
                }
            }
        }
    }

    /**
     * The folded weights follow the model: after a training pass (new running statistics), a
     * load, and an optimiser-style write announced with {@code markWeightsChanged}, the folded
     * outputs are the model's new outputs; and folding leaves the parameters, the training pass
     * and the saved file exactly as they were.
     */
    @Test
    void foldsAgainWhenTheWeightsChangeAndNeverChangesTheModel(@TempDir Path dir)
            throws IOException {
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "fadconv", 4, 2);
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel model = build(m, spec, new Random(5));
            SegmentationModel other = build(m, spec, new Random(6));
            other.save(dir.resolve("other.params"));
            NDArray x = m.randomNormal(new Shape(2, 4, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            model.save(dir.resolve("before.params"));
            float[] trainingBefore = model.logits(ps, x, true).toFloatArray();
            model.load(m, dir.resolve("before.params")); // the training pass moved the statistics
            try (FoldedModel folded = model.foldBatchNorm()) {
                assertClose(folded, model, x);
                assertThat(model.logits(ps, x, true).toFloatArray()).containsExactly(trainingBefore);
                assertClose(folded, model, x); // after the training pass's new statistics
                model.save(dir.resolve("during.params"));
                model.load(m, dir.resolve("before.params"));
                model.save(dir.resolve("after.params"));
                assertThat(Files.readAllBytes(dir.resolve("after.params")))
                        .isEqualTo(Files.readAllBytes(dir.resolve("before.params")));
                assertClose(folded, model, x);

                model.load(m, dir.resolve("other.params"));
                assertClose(folded, model, x);

                for (Parameter p : model.getParameters().values()) {
                    if (p.requiresGradient()) {
                        p.getArray().muli(1.25f);
                    }
                }
                model.markWeightsChanged();
                assertClose(folded, model, x);
            }
        }
    }

    private static void assertClose(FoldedModel folded, SegmentationModel model, NDArray x) {
        double[] expected = Tensors.values(model.logits(
                new ParameterStore(x.getManager(), false), x, false));
        assertThat(RefMath.relativeError(expected, folded.logits(x).toFloatArray()))
                .isLessThan(TOLERANCE);
    }

    /**
     * A built model with random BatchNorm statistics, its attention temperatures in the middle
     * of their schedules. At the final temperatures (1; KernelWarehouse 0) the routing of these
     * untrained networks is so sharp that a relative change of 1e-6 in the input changes their
     * logits by 1e-2 to 1 (measured with DYConv, ODConv, KW in MobileNetV2), so no two float32
     * computations of them agree to 1e-5; the fold's algebra does not depend on the temperature.
     */
    static SegmentationModel build(NDManager m, ModelSpec spec, Random rnd) {
        SegmentationModel model = Models.create(spec);
        model.initialize(m, DataType.FLOAT32, new Shape(1, spec.inChannels(), 32, 32));
        Annealing.update(model, 5, 0, 10);
        randomizeBatchNorms(model, rnd);
        return model;
    }

    /**
     * Sets every conv-BN unit's BatchNorm to gamma in [0.5, 1.5], beta and mean in [-0.5, 0.5],
     * variance in [0.5, 2], so the networks stay well scaled through their depth (with smaller
     * variances the activations grow layer by layer and float32 rounding with them). Far enough
     * from the initial statistics (mean 0, variance 1) that a fold forgetting the mean fails.
     *
     * @param block the model
     * @param rnd the generator
     */
    static void randomizeBatchNorms(Block block, Random rnd) {
        for (Block child : block.getChildren().values()) {
            if (child instanceof ConvBnAct unit) {
                BatchNorm bn = (BatchNorm) unit.bn();
                set(bn, "gamma", rnd, 0.5f, 1.5f);
                set(bn, "beta", rnd, -0.5f, 0.5f);
                set(bn, "runningMean", rnd, -0.5f, 0.5f);
                set(bn, "runningVar", rnd, 0.5f, 2f);
            }
            randomizeBatchNorms(child, rnd);
        }
    }

    static void set(BatchNorm bn, String name, Random rnd, float lo, float hi) {
        NDArray a = bn.getDirectParameters().get(name).getArray();
        float[] v = new float[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rnd.nextFloat();
        }
        a.set(v);
    }

    static int units(Block block) {
        int n = 0;
        for (Block child : block.getChildren().values()) {
            n += child instanceof ConvBnAct ? 1 : units(child);
        }
        return n;
    }
}
