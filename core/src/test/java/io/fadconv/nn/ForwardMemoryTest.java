package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A forward pass run in a batch sub-manager leaves no arrays behind in the model's manager (DJL
 * attaches results to the first operand's manager; a parameter or cached constant as first
 * operand would otherwise grow the model's memory with every batch).
 */
class ForwardMemoryTest {

    @BeforeAll
    static void setUp() {
        Djl.engine();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"static", "fadconv:p=8", "fadconv:att=gap", "dyconv", "odconv",
        "odconv:k=1", "kw", "fodconv:p=8", "fkw:p=8"})
    void passesLeaveNothingInTheModelManager(String spec) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block b = Blocks.init(Convs.create(ConvSpec.parse(spec),
                    ConvGeometry.same(8, 8, 3, 1)), m, new Shape(2, 8, 8, 8));
            run(b, m, true); // the first pass may cache per-size constants
            int before = m.getManagedArrays().size();
            for (boolean training : new boolean[] {true, false, true}) {
                run(b, m, training);
            }
            assertThat(m.getManagedArrays().size()).isEqualTo(before);
        }
    }

    private static void run(Block b, NDManager m, boolean training) {
        try (NDManager sub = m.newSubManager()) {
            NDArray x = sub.randomNormal(new Shape(2, 8, 8, 8));
            Blocks.forward(b, x, training);
        }
    }
}
