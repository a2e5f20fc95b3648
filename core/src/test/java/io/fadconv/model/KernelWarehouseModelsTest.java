package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.cost.CostCounter;
import io.fadconv.nn.Annealing;
import io.fadconv.nn.KernelWarehouse;
import io.fadconv.nn.Layers;
import io.fadconv.nn.TorchStateDict;
import io.fadconv.nn.TorchWeights;
import io.fadconv.nn.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KernelWarehouse inside the networks: warehouses shared per stage with the official hand-over
 * (checked against the state_dicts of the official {@code KW_ResNet} and {@code KW_MobileNetV2},
 * fixtures under {@code model/kw}), shared cells counted, saved and loaded once.
 */
class KernelWarehouseModelsTest {

    @BeforeAll
    static void engine() {
        Djl.engine();
    }

    static Stream<Arguments> official() {
        return Stream.of(
                Arguments.of("kw4x_resnet18", ModelSpec.of("resnet18-unet", "kw:b=4", 3, 6)
                        .withOption("replace", "block+downsample")),
                Arguments.of("kw4x_resnet34", ModelSpec.of("resnet34-unet", "kw:b=4", 3, 6)
                        .withOption("replace", "block+downsample")),
                Arguments.of("kw4x_mobilenetv2_100", ModelSpec.of("mobilenetv2-unet", "kw:b=4", 3,
                        6).withOption("replace", "stem+pointwise+depthwise")));
    }

    /**
     * With the official layers replaced (the ResNets' 1x1 shortcuts, MobileNetV2's stem), the
     * encoder and the model's warehouses have the official network's state_dict without its
     * classifier: the same keys in the same order and the same shapes, which fixes every
     * warehouse's cell shape and count, each layer's share of it (fc2 = L (M + 1)) and the
     * warehouse numbering; and as many trainable parameters (the official count minus the
     * classifier).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("official")
    void encoderWarehousesMatchTheOfficialNetwork(String fixture, ModelSpec spec)
            throws IOException {
        List<String> official = Files.readAllLines(Fixtures.path("kw/" + fixture + ".keys.txt"))
                .stream().map(String::strip)
                .filter(k -> !k.startsWith("fc.") && !k.startsWith("classifier.")).toList();
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = Models.create(spec);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            List<String> ours = new ArrayList<>();
            stateDictShapes(model).forEach((k, s) -> {
                if (k.startsWith("warehouse_manager.")) {
                    ours.add((k + " " + s).strip());
                } else if (k.startsWith("encoder.")) {
                    ours.add((k.substring("encoder.".length()) + " " + s).strip());
                }
            });
            assertThat(ours).containsExactlyElementsOf(official);
            assertThat(Layers.trainableParameters(model.encoder()))
                    .isEqualTo(trainable(official));
        }
    }

    /** The scopes of the default policies, convolution by convolution, as the summary lists them. */
    @Test
    void resnetScopesHandTheFirstConvolutionsOfAStageToThePreviousOne() {
        SegmentationModel model = Models.create(ModelSpec.of("resnet18-unet", "kw", 3, 6));
        Map<String, String> scopes = model.convs().stream().filter(ConvSite::replaced)
                .collect(Collectors.toMap(ConvSite::key, ConvSite::scope, (a, b) -> a,
                        LinkedHashMap::new));
        Map<String, String> expected = new LinkedHashMap<>();
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < 2; b++) {
                String key = "encoder.layer" + (s + 1) + "." + b;
                expected.put(key + ".conv1", "encoder.stage" + (b == 0 ? Math.max(s - 1, 0) : s));
                expected.put(key + ".conv2", "encoder.stage" + s);
            }
        }
        assertThat(scopes).containsExactlyEntriesOf(expected);
        assertThat(model.warehouses()).extracting(Warehouse::name).containsExactly(
                "encoder.stage0", "encoder.stage1", "encoder.stage2", "encoder.stage3");
        assertThat(model.summary().toString())
                .containsPattern("encoder\\.layer2\\.0\\.conv1 +encoder\\.stage0 ");
    }

    @Test
    void mobileNetScopesFollowTheOfficialStagesAndKeepThreeWarehousesPerStage() {
        SegmentationModel model = Models.create(ModelSpec.of("mobilenetv2-unet", "kw", 3, 6));
        Map<String, String> scopes = model.convs().stream().collect(Collectors.toMap(
                ConvSite::key, ConvSite::scope, (a, b) -> a, LinkedHashMap::new));
        // features.1 (t = 1) opens stage 1; each row's first block joins the previous stage
        assertThat(scopes).containsEntry("encoder.features.1.conv.0.0", "encoder.stage1.depthwise")
                .containsEntry("encoder.features.1.conv.1", "encoder.stage1.project")
                .containsEntry("encoder.features.2.conv.0.0", "encoder.stage1.expand")
                .containsEntry("encoder.features.3.conv.1.0", "encoder.stage2.depthwise")
                .containsEntry("encoder.features.4.conv.2", "encoder.stage2.project")
                .containsEntry("encoder.features.14.conv.0.0", "encoder.stage5.expand")
                .containsEntry("encoder.features.17.conv.0.0", "encoder.stage6.expand")
                .containsEntry("encoder.features.18.0", "encoder.stage6.project");
        // six stages of three kinds; the stem stays static (paper policy)
        assertThat(model.warehouses()).hasSize(18);
        assertThat(model.convs().get(0).replaced()).isFalse();
    }

    /**
     * Shared cells are counted once, by the model, the cost counter and the closed form: every
     * warehouse holds b times the static kernels of its layers, and each layer adds its attention
     * ({@code C hidden} + BatchNorm {@code 2 hidden} + {@code fc2 hidden L (M + 1)} + its bias
     * {@code L (M + 1)}) to what the static model has.
     */
    @ParameterizedTest(name = "b={0}")
    @ValueSource(strings = {"4", "1", "0.5"})
    void sharedCellsAreCountedOnce(String budget) {
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "kw:b=" + budget, 4, 2);
        double b = Double.parseDouble(budget);
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel kw = build(m, spec);
            SegmentationModel plain = build(m, spec.withConv(io.fadconv.nn.ConvSpec.parse(
                    "static")));
            long expected = Layers.trainableParameters(plain);
            for (Warehouse w : kw.warehouses()) {
                long kernels = 0;
                for (ConvSite c : kw.convs()) {
                    if (c.replaced() && c.scope().equals(w.name())) {
                        kernels += kernelParams(c);
                    }
                }
                assertThat(w.cells().getArray().size()).as(w.name())
                        .isEqualTo((long) (b * kernels));
                expected += w.cells().getArray().size() - kernels;
            }
            for (ConvSite c : kw.convs()) {
                if (c.replaced()) {
                    KernelWarehouse k = (KernelWarehouse) c.block();
                    long in = c.geometry().inChannels();
                    long hidden = KernelWarehouse.hidden(in, k.getReduction());
                    long planes = k.getSlot().mixtures() * (k.getWarehouse().cellCount() + 1);
                    expected += in * hidden + 2 * hidden + hidden * planes + planes;
                }
            }
            assertThat(Layers.trainableParameters(kw)).isEqualTo(expected);
            assertThat(CostCounter.count(kw, new Shape(1, 4, 64, 64)).params())
                    .isEqualTo(expected);
        }
    }

    /**
     * A KW model saved in DJL's format holds each warehouse once, loads into a fresh model with
     * identical outputs, and trains after loading (every parameter, shared cells included, gets a
     * gradient).
     */
    @Test
    void djlFilesHoldEachWarehouseOnceAndLoadedModelsTrain(@TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "kw", 4, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel a = build(m, spec);
            NDArray x = m.randomNormal(new Shape(1, 4, 32, 32));
            a.save(dir.resolve("a.params"));
            long values = 0;
            for (Parameter p : distinctParameters(a)) {
                values += p.getArray().size();
            }
            long largest = a.warehouses().stream().mapToLong(w -> w.cells().getArray().size())
                    .max().orElseThrow();
            // float32 values of every distinct parameter plus names and headers, far less than a
            // second copy of the largest warehouse
            assertThat(Files.size(dir.resolve("a.params")))
                    .isGreaterThan(4 * values).isLessThan(4 * (values + largest));

            SegmentationModel b = build(m, spec);
            b.load(m, dir.resolve("a.params"));
            float[] expected = a.logits(new ParameterStore(m, false), x, false).toFloatArray();
            assertThat(b.logits(new ParameterStore(m, false), x, false).toFloatArray())
                    .containsExactly(expected);
            // Between the published start (one-hot assignment, t = 1, where the attention gets
            // no gradient) and the end of the schedule.
            Annealing.update(b, 5, 0, 10);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = b.logits(new ParameterStore(m, false), x, true);
                gc.backward(y.mul(y).mean());
            }
            Map<Parameter, Boolean> seen = new java.util.IdentityHashMap<>();
            for (var pair : b.getParameters()) {
                Parameter p = pair.getValue();
                if (p.requiresGradient() && seen.put(p, Boolean.TRUE) == null) {
                    assertThat(p.getArray().getGradient().abs().max().getFloat())
                            .as(pair.getKey()).isPositive();
                }
            }
        }
    }

    /** The warehouses are in the model's PyTorch state_dict once, at its root. */
    @Test
    void torchStateHoldsTheWarehousesAtTheRoot() {
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = build(m, ModelSpec.of("resnet18x0.25-unet", "fkw", 4, 2));
            Map<String, String> keys = stateDictShapes(model);
            assertThat(keys.keySet()).filteredOn(k -> k.contains("warehouse")).containsExactly(
                    "warehouse_manager.weights.0", "warehouse_manager.weights.1",
                    "warehouse_manager.weights.2", "warehouse_manager.weights.3");
            assertThat(keys).containsEntry("warehouse_manager.weights.3", "108x128x128x1x1")
                    .containsKey("encoder.layer4.1.conv2.attention.fusion.0.weight");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static SegmentationModel build(NDManager m, ModelSpec spec) {
        SegmentationModel model = Models.create(spec);
        model.initialize(m, DataType.FLOAT32, new Shape(1, spec.inChannels(), 64, 64));
        return model;
    }

    private static long kernelParams(ConvSite c) {
        var g = c.geometry();
        return (long) g.outChannels() * (g.inChannels() / g.groups()) * g.kernel() * g.kernel();
    }

    private static List<Parameter> distinctParameters(SegmentationModel model) {
        Map<Parameter, Boolean> seen = new java.util.IdentityHashMap<>();
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : model.getParameters().values()) {
            if (seen.put(p, Boolean.TRUE) == null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Trainable values of a state_dict listing: everything but BatchNorm statistics. */
    private static long trainable(List<String> keysAndShapes) {
        long n = 0;
        for (String line : keysAndShapes) {
            String[] parts = line.split(" ");
            if (parts.length < 2 || parts[0].endsWith("running_mean")
                    || parts[0].endsWith("running_var")) {
                continue;
            }
            n += Stream.of(parts[1].split("x")).mapToLong(Long::parseLong)
                    .reduce(1, (p, q) -> p * q);
        }
        return n;
    }

    static Map<String, String> stateDictShapes(SegmentationModel model) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, TorchStateDict.Entry> e
                : TorchWeights.stateDict(model).entries().entrySet()) {
            long[] dims;
            if (e.getValue() instanceof TorchStateDict.ParamEntry p) {
                dims = p.parameter().getArray().getShape().getShape();
            } else if (e.getValue() instanceof TorchStateDict.ConstantEntry c) {
                dims = c.shape().getShape();
            } else {
                dims = null;
            }
            out.put(e.getKey(), dims == null ? "" : LongStream.of(dims).mapToObj(String::valueOf)
                    .collect(Collectors.joining("x")));
        }
        return out;
    }
}
