package io.fadconv.model;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.cost.CostCounter;
import io.fadconv.cost.CostReport;
import io.fadconv.nn.Annealing;
import io.fadconv.nn.ConvSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every segmentation model must do; each model runs it through a subclass with a small
 * configuration (narrow widths where the full network would be slow): forward and backward at
 * several valid sizes (non-square) with the static and a dynamic convolution, batch size 1 in
 * training, clear errors for invalid inputs, the traced cost walk agreeing with the forward pass,
 * and save/load round trips in DJL's and PyTorch's formats; and, because its warehouses depend on
 * the network, KernelWarehouse through one training step at batch size 1 ({@link EveryConvTypeTest}
 * runs every type on the lightweight ResNet18, and builds and counts each in every network at full
 * width).
 */
abstract class SegmentationModelContract extends EngineTest {

    /**
     * The configuration under test.
     *
     * @param conv the convolution spec
     * @return a small spec of the model
     */
    protected abstract ModelSpec spec(String conv);

    /** @return two valid, non-square input sizes (height, width), the first the smaller */
    protected int[][] sizes() {
        return new int[][] {{32, 64}, {96, 64}};
    }

    /** @return the multiple input sizes must be */
    protected int multiple() {
        return 32;
    }

    /** @return the dynamic convolution the contract runs with */
    protected String dynamicConv() {
        return "fadconv:k=2,p=8";
    }

    protected SegmentationModel build(NDManager m, ModelSpec spec, int h, int w) {
        SegmentationModel model = Models.create(spec);
        model.initialize(m, DataType.FLOAT32, new Shape(1, spec.inChannels(), h, w));
        return model;
    }

    protected NDArray input(NDManager m, ModelSpec spec, int b, int h, int w) {
        Engine.getInstance().setRandomSeed(7);
        return m.randomNormal(new Shape(b, spec.inChannels(), h, w));
    }

    @ParameterizedTest
    @ValueSource(strings = {"static", "dynamic"})
    void logitsHaveClassesTimesInputSizeAtEverySize(String kind) {
        ModelSpec spec = spec(kind.equals("static") ? "static" : dynamicConv());
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel model = build(m, spec, sizes()[0][0], sizes()[0][1]);
            for (int[] s : sizes()) {
                NDArray y = model.logits(new ParameterStore(m, false), input(m, spec, 2, s[0],
                        s[1]), false);
                assertThat(y.getShape()).isEqualTo(new Shape(2, spec.classes(), s[0], s[1]));
                assertThat(finite(y)).isTrue();
            }
        }
    }

    @Test
    void trainsAtBatchSizeOneAndEveryParameterGetsAGradient() {
        ModelSpec spec = spec(dynamicConv());
        int h = sizes()[1][0];
        int w = sizes()[1][1];
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel model = build(m, spec, h, w);
            NDArray x = input(m, spec, 1, h, w);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = model.logits(new ParameterStore(m, false), x, true);
                assertThat(y.getShape()).isEqualTo(new Shape(1, spec.classes(), h, w));
                gc.backward(y.mul(y).mean());
            }
            List<String> withoutGradient = new ArrayList<>();
            for (var p : model.getParameters()) {
                Parameter param = p.getValue();
                if (!param.requiresGradient()) {
                    continue;
                }
                NDArray g = param.getArray().getGradient();
                if (!finite(g) || g.abs().max().getFloat() == 0f) {
                    withoutGradient.add(p.getKey());
                }
            }
            assertThat(withoutGradient).as("parameters without a gradient").isEmpty();
        }
    }

    @Test
    void kernelWarehouseTakesATrainingStepAtBatchSizeOne() {
        ModelSpec spec = spec("kw");
        int h = sizes()[0][0];
        int w = sizes()[0][1];
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel model = build(m, spec, h, w);
            assertThat(model.warehouses()).isNotEmpty();
            // mid-schedule: at its start (t = 1) KW's attention is multiplied by 0
            Annealing.update(model, 5, 0, 10);
            NDArray x = input(m, spec, 1, h, w);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = model.logits(new ParameterStore(m, false), x, true);
                assertThat(y.getShape()).isEqualTo(new Shape(1, spec.classes(), h, w));
                gc.backward(y.mul(y).mean());
            }
            List<String> withoutGradient = new ArrayList<>();
            for (var p : model.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    if (!finite(g) || g.abs().max().getFloat() == 0f) {
                        withoutGradient.add(p.getKey());
                    }
                }
            }
            assertThat(withoutGradient).as("parameters without a gradient").isEmpty();
        }
    }

    @Test
    void invalidInputsGiveOneClearError() {
        ModelSpec spec = spec("static");
        int m = multiple();
        try (NDManager mg = manager.newSubManager()) {
            SegmentationModel model = build(mg, spec, m, m);
            ParameterStore ps = new ParameterStore(mg, false);
            assertThatThrownBy(() -> model.logits(ps, input(mg, spec, 1, m + m / 2, 2 * m), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multiples of " + m)
                    .hasMessageContaining((m + m / 2) + " x " + 2 * m)
                    .hasMessageContaining("e.g. " + 2 * m + " x " + 2 * m);
            assertThatThrownBy(() -> model.logits(ps, mg.zeros(new Shape(1,
                    spec.inChannels() + 1, m, m)), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(spec.inChannels() + " input channels");
            assertThatThrownBy(() -> CostCounter.count(model, new Shape(1, spec.inChannels(), m,
                    m + 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multiples of " + m);
        }
    }

    @Test
    void costWalkAgreesWithTheForwardPass() {
        ModelSpec spec = spec(dynamicConv());
        int[] s = sizes()[1];
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel model = build(m, spec, s[0], s[1]);
            CostReport r = CostCounter.count(model, new Shape(1, spec.inChannels(), s[0], s[1]));
            NDArray y = model.logits(new ParameterStore(m, false), input(m, spec, 1, s[0], s[1]),
                    false);
            assertThat(r.output()).isEqualTo(y.getShape());
            assertThat(r.unvisitedParams()).as("parameters of layers the walk missed").isZero();
            long convs = r.entries().stream().filter(e -> e.kind().equals("conv")
                    || e.kind().equals("dynamic")).count();
            assertThat(convs).isEqualTo(model.convs().size());
            assertThat(r.dynamicConvs()).hasSize((int) model.convs().stream()
                    .filter(ConvSite::replaced).count());
        }
    }

    @Test
    void summaryShowsThePolicy() {
        ModelSpec spec = spec(dynamicConv());
        SegmentationModel model = Models.create(spec);
        ModelSummary summary = model.summary();
        assertThat(summary.replacedCount()).isPositive();
        for (ConvSite c : model.convs()) {
            assertThat(c.replaced()).as(c.key())
                    .isEqualTo(model.replacedRoles().contains(c.role()));
            assertThat(c.type()).isEqualTo(c.replaced() ? ConvSpec.parse(dynamicConv())
                    .toString() : "static");
        }
        assertThat(summary.toString()).contains(model.convs().get(0).key(), "replaced roles");
    }

    @Test
    void saveAndLoadGiveIdenticalOutputs(@TempDir Path dir) throws IOException {
        ModelSpec spec = spec(dynamicConv());
        int[] s = sizes()[0];
        try (NDManager m = manager.newSubManager()) {
            SegmentationModel a = build(m, spec, s[0], s[1]);
            NDArray x = input(m, spec, 1, s[0], s[1]);
            float[] expected = a.logits(new ParameterStore(m, false), x, false).toFloatArray();
            a.save(dir.resolve("model.params"));
            a.saveTorch(dir.resolve("model.safetensors"));

            SegmentationModel b = build(m, spec, s[0], s[1]);
            b.load(m, dir.resolve("model.params"));
            assertThat(b.logits(new ParameterStore(m, false), x, false).toFloatArray())
                    .containsExactly(expected);

            SegmentationModel c = build(m, spec, s[0], s[1]);
            c.loadTorch(dir.resolve("model.safetensors"));
            assertThat(c.logits(new ParameterStore(m, false), x, false).toFloatArray())
                    .containsExactly(expected);

            SegmentationModel other = build(m, spec.withConv(ConvSpec.parse("static")), s[0],
                    s[1]);
            assertThatThrownBy(() -> other.load(m, dir.resolve("model.params")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("but this model is");
        }
    }

    protected static boolean finite(NDArray a) {
        for (float v : a.toFloatArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
