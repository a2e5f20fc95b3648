package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

    /**
     * Every strategy, not only those the tuner picks for this small layer: experts, expert
     * biases and a folded shift held by the model's manager, the pass's arrays in a sub-manager,
     * with taps cropped (1 x 1 map) and not (8 x 8).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DynamicConv2d.Strategy.class)
    void everyMixtureStrategyLeavesNothingInTheModelManager(DynamicConv2d.Strategy strategy) {
        assumeTrue(strategy.applies(4, 1, 4), strategy + " cannot run here");
        Shape one = new Shape(1, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray experts = m.randomNormal(new Shape(4, 8, 8, 3, 3));
            NDArray biases = m.randomNormal(new Shape(4, 8));
            NDArray shift = m.randomNormal(new Shape(8));
            int before = m.getManagedArrays().size();
            for (int side : new int[] {8, 1}) {
                try (NDManager sub = m.newSubManager()) {
                    NDArray x = sub.randomNormal(new Shape(4, 8, side, side));
                    NDArray attention = sub.randomUniform(0f, 1f, new Shape(4, 4));
                    NDArray y = DynamicConv2d.mixture(x, attention, experts, biases, shift, one,
                            one, one, 1, strategy);
                    assertThat(y.getShape()).isEqualTo(new Shape(4, 8, side, side));
                }
            }
            assertThat(m.getManagedArrays().size()).isEqualTo(before);
        }
    }
}
