package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered network at full width: one cheap inference pass at 64 x 96. */
class FullSizeModelsTest {

    static java.util.List<String> names() {
        return Models.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void forwardAtFullWidth(String name) {
        Djl.engine();
        int in = name.contains("x0.25") ? 4 : 3;
        ModelSpec spec = ModelSpec.of(name, "static", in, 6);
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = Models.create(spec);
            model.initialize(m, DataType.FLOAT32, new Shape(1, in, 64, 96));
            NDArray y = model.logits(new ParameterStore(m, false),
                    m.randomNormal(new Shape(1, in, 64, 96)), false);
            assertThat(y.getShape()).isEqualTo(new Shape(1, 6, 64, 96));
        }
    }
}
