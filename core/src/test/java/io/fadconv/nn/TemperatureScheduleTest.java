package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.SequentialBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published annealing schedules and their application to a block tree. */
class TemperatureScheduleTest {

    @Test
    void dyConvLowersByThreePerEpochFrom34To1() {
        TemperatureSchedule s = TemperatureSchedule.dyConv(34f);
        float[] expected = {34, 31, 28, 25, 22, 19, 16, 13, 10, 7, 4, 1, 1, 1};
        for (int e = 0; e < expected.length; e++) {
            assertThat(s.at(e, 0, 100)).as("epoch %d", e).isEqualTo(expected[e]);
            assertThat(s.at(e, 99, 100)).as("epoch %d end", e).isEqualTo(expected[e]);
        }
        assertThat(s.initial()).isEqualTo(34f);
        assertThat(s.finalValue()).isEqualTo(1f);
        assertThat(TemperatureSchedule.dyConv(1f).at(5, 0, 10)).isEqualTo(1f);
    }

    @Test
    void odConvFallsLinearlyPerIterationFrom30To1OverTenEpochs() {
        TemperatureSchedule s = TemperatureSchedule.odConv(30f, 10);
        // Official get_temperature(batch_idx + 1, epoch, 100, 10, 30):
        // 1 + max(0, 29 * (1000 - (epoch * 100 + batch_idx + 1)) / 1000).
        assertThat(s.at(0, 0, 100)).isCloseTo(1 + 29 * 999 / 1000f, within(1e-5f));
        assertThat(s.at(4, 49, 100)).isCloseTo(1 + 29 * 550 / 1000f, within(1e-5f));
        assertThat(s.at(9, 99, 100)).isEqualTo(1f);
        assertThat(s.at(30, 5, 100)).isEqualTo(1f);
        assertThat(s.initial()).isEqualTo(30f);
        assertThat(s.finalValue()).isEqualTo(1f);
    }

    @Test
    void kernelWarehouseAssignmentWeightFallsFrom1To0OverTwentyEpochs() {
        TemperatureSchedule s = TemperatureSchedule.kernelWarehouse(1f, 20);
        // Official engine.get_temperature(step + 1, epoch, 50, 20, 1.0, 0.0).
        assertThat(s.at(0, 0, 50)).isCloseTo(999 / 1000f, within(1e-6f));
        assertThat(s.at(10, 0, 50)).isCloseTo(499 / 1000f, within(1e-6f));
        assertThat(s.at(19, 49, 50)).isZero();
        assertThat(s.at(25, 0, 50)).isZero();
        assertThat(s.finalValue()).isZero();
    }

    @Test
    void badArgumentsAreClearErrors() {
        TemperatureSchedule s = TemperatureSchedule.linear(30, 1, 10);
        assertThatThrownBy(() -> s.at(0, 10, 10)).hasMessageContaining("iteration < iterationsPerEpoch");
        assertThatThrownBy(() -> s.at(-1, 0, 10)).hasMessageContaining("epoch >= 0");
        assertThatThrownBy(() -> TemperatureSchedule.linear(30, 1, 0))
                .hasMessageContaining("epochs must be >= 1");
        assertThatThrownBy(() -> TemperatureSchedule.stepPerEpoch(1, 3, 34))
                .hasMessageContaining("must not exceed start");
        assertThatThrownBy(() -> TemperatureSchedule.constant(Float.NaN))
                .hasMessageContaining("finite");
    }

    @Test
    void annealingSetsEveryLayerFromItsOwnScheduleAndFinishes() {
        ConvGeometry g = ConvGeometry.same(8, 8, 3, 1);
        DyConv dy = (DyConv) Convs.create(ConvSpec.parse("dyconv"), g);
        OdConv od = (OdConv) Convs.create(ConvSpec.parse("odconv"), g);
        KernelWarehouse kw = (KernelWarehouse) Convs.create(ConvSpec.parse("kw"), g);
        FadConv fad = (FadConv) Convs.create(ConvSpec.parse("fadconv:t=2"), g);
        SequentialBlock inner = new SequentialBlock().add(od).add(kw);
        SequentialBlock net = new SequentialBlock().add(dy).add(inner).add(fad);
        assertThat(Annealing.layers(net)).containsExactly(dy, od, kw, fad);
        assertThat(List.of(dy.getTemperature(), od.getTemperature(), kw.getTemperature()))
                .as("as the official modules are built").containsExactly(34f, 1f, 0f);

        assertThat(Annealing.update(net, 2, 0, 10)).isEqualTo(3);
        assertThat(dy.getTemperature()).isEqualTo(28f);
        assertThat(od.getTemperature()).isCloseTo(1 + 29 * 79 / 100f, within(1e-5f));
        assertThat(kw.getTemperature()).isCloseTo(179 / 200f, within(1e-6f));
        assertThat(fad.getTemperature()).as("FADConv does not anneal").isEqualTo(2f);

        assertThat(Annealing.finish(net)).isEqualTo(3);
        assertThat(List.of(dy.getTemperature(), od.getTemperature(), kw.getTemperature(),
                fad.getTemperature())).containsExactly(1f, 1f, 0f, 2f);

        Annealing.apply(inner, TemperatureSchedule.constant(0.5f), 0, 0, 1);
        assertThat(od.getTemperature()).isEqualTo(0.5f);
        assertThat(kw.getTemperature()).isEqualTo(0.5f);
        assertThatThrownBy(() -> od.setTemperature(0f)).hasMessageContaining("must be > 0");
        assertThatThrownBy(() -> kw.setTemperature(1.5f)).hasMessageContaining("[0, 1]");
    }
}
