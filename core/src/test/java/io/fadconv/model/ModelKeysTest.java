package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.nn.TorchStateDict;
import io.fadconv.nn.TorchWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The full-size networks have exactly the state_dict keys and shapes, in order, of the same
 * networks built from segmentation_models_pytorch and torchvision (make_fixtures.py), so weights
 * move between the two by name.
 */
class ModelKeysTest {

    @BeforeAll
    static void engine() {
        Djl.engine();
    }

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("resnet18-unet", ModelSpec.of("resnet18-unet", "static", 3, 6)),
                Arguments.of("resnet34-unet", ModelSpec.of("resnet34-unet", "static", 3, 6)),
                Arguments.of("resnet18x0.25-unet",
                        ModelSpec.of("resnet18x0.25-unet", "static", 4, 2)),
                Arguments.of("mobilenetv2-unet", ModelSpec.of("mobilenetv2-unet", "static", 3, 6)),
                Arguments.of("deeplabv3plus-resnet18.smp",
                        ModelSpec.of("deeplabv3plus-resnet18", "static", 3, 6)
                                .withOption("variant", "smp")),
                Arguments.of("deeplabv3plus-resnet18.paper",
                        ModelSpec.of("deeplabv3plus-resnet18", "static", 3, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void keysAndShapesMatchTheReference(String fixture, ModelSpec spec) throws IOException {
        List<String> expected = Files.readAllLines(Fixtures.path(fixture + ".keys.txt")).stream()
                .map(String::strip).toList();
        assertThat(keys(spec)).containsExactlyElementsOf(expected);
    }

    @Test
    void dynamicConvolutionsNestTheirTensorsUnderTheConvolutionKey() {
        List<String> keys = keys(ModelSpec.of("resnet18x0.25-unet", "fadconv", 4, 2));
        assertThat(keys).contains("encoder.conv1.weight 16x4x7x7",
                "encoder.layer1.0.conv1.experts 4x16x16x3x3",
                "encoder.layer1.0.conv1.routing.0.weight 32x16",
                "encoder.layer1.0.conv1.fusion.0.weight 32x16",
                "encoder.layer1.0.conv1.dct.dct_matrix 16x16",
                "encoder.layer2.0.downsample.0.weight 32x16x1x1",
                "decoder.blocks.0.conv1.0.weight 64x192x3x3");
        assertThat(keys).noneMatch(k -> k.startsWith("encoder.layer1.0.conv1.weight"));
    }

    private static List<String> keys(ModelSpec spec) {
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = Models.create(spec);
            model.initialize(m, DataType.FLOAT32, new Shape(1, spec.inChannels(), 64, 64));
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, TorchStateDict.Entry> e
                    : TorchWeights.stateDict(model).entries().entrySet()) {
                out.add((e.getKey() + " " + shape(e.getValue())).strip());
            }
            return out;
        }
    }

    private static String shape(TorchStateDict.Entry e) {
        long[] dims;
        if (e instanceof TorchStateDict.ParamEntry p) {
            dims = p.parameter().getArray().getShape().getShape();
        } else if (e instanceof TorchStateDict.ConstantEntry c) {
            dims = c.shape().getShape();
        } else {
            return "";
        }
        return LongStream.of(dims).mapToObj(String::valueOf).collect(Collectors.joining("x"));
    }
}
