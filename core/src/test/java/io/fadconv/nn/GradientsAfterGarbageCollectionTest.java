package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.testing.GradientStability;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients must not depend on when the garbage collector runs. DJL 0.36's
 * {@code NDArray.div(Number)}, {@code mul(Number)} and {@code minimum(Number)} (behind
 * {@code Activation.relu6}) close the array that wraps the number right after the forward op, while
 * PyTorch's autograd still holds it; once the collector has freed its direct buffer, the backward
 * pass reads freed memory. Here the collector runs and the freed memory is refilled with NaN between
 * the forward and the backward pass: {@link Layers#scale}, {@link Layers#divide},
 * {@link Layers#relu6} and every dynamic convolution at a temperature other than 1 must give the
 * gradients of an undisturbed pass. (With {@code div(Number)} in the layers these cases failed.)
 */
class GradientsAfterGarbageCollectionTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        Djl.engine();
        manager = NDManager.newBaseManager();
    }

    @Test
    void scalarHelpersKeepTheirConstantForBackward() {
        GradientStability.check(manager, "divide", (x) -> Layers.divide(x, 4f));
        GradientStability.check(manager, "scale", (x) -> Layers.scale(x, 0.25f));
        // inputs around the kink at 6 so the mask matters
        GradientStability.check(manager, "relu6", (x) -> Layers.relu6(Layers.scale(x, 6f)));
    }

    static Stream<Arguments> layers() {
        return Stream.of(Arguments.of("dyconv", 34f), Arguments.of("odconv", 30f),
                Arguments.of("fodconv:p=4", 12f), Arguments.of("fadconv:p=4", 2f),
                Arguments.of("kw:b=2", 0.5f), Arguments.of("fkw:b=1,p=4", 0.5f));
    }

    @ParameterizedTest(name = "{0} t={1}")
    @MethodSource("layers")
    void dynamicConvolutionsGiveTheSameGradientsWhateverTheCollectorDoes(String spec, float t) {
        try (NDManager m = manager.newSubManager()) {
            Block block = Convs.create(ConvSpec.parse(spec), ConvGeometry.same(8, 8, 3, 1));
            block.initialize(m, DataType.FLOAT32, new Shape(2, 8, 6, 6));
            ((Annealable) block).setTemperature(t);
            ParameterStore ps = new ParameterStore(m, false);
            GradientStability.check(manager, spec, (x) -> block.forward(ps, new NDList(x), false).singletonOrThrow(),
                    params(block));
        }
    }

    private static List<Parameter> params(Block block) {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient() && seen.put(p, Boolean.TRUE) == null) {
                out.add(p);
            }
        }
        return out;
    }
}
