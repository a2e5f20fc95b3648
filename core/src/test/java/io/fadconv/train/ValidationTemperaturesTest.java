package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.Annealable;
import io.fadconv.nn.Annealing;
import org.junit.jupiter.api.Test;

/** Temperatures during validation, as the official training loops leave them. */
class ValidationTemperaturesTest {

    private static float temperature(SegmentationModel m) {
        Annealable a = Annealing.layers(m).get(0);
        return a.getTemperature();
    }

    @Test
    void perEpochScheduleStepsBeforeValidationPerIterationScheduleKeepsTheLastStep() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel dy = Models.create(ModelSpec.of("resnet18x0.25-unet", "dyconv", 4,
                    1));
            dy.initialize(m, DataType.FLOAT32, new Shape(1, 4, 64, 64));
            int steps = 5;
            // Training epoch 2 (0-based) runs at 34 - 3*2 = 28; DYConv's main.py then calls
            // update_temperature() (-3) before val(): validation at 25.
            Annealing.update(dy, 2, steps - 1, steps);
            assertThat(temperature(dy)).isEqualTo(28f);
            ValidationTemperatures.afterEpoch(dy, 2, steps);
            assertThat(temperature(dy)).isEqualTo(25f);

            SegmentationModel od = Models.create(ModelSpec.of("resnet18x0.25-unet", "odconv", 4,
                    1));
            od.initialize(m, DataType.FLOAT32, new Shape(1, 4, 64, 64));
            Annealing.update(od, 2, steps - 1, steps);
            float last = temperature(od);
            // ODConv's main.py sets the temperature before each step only: validation uses
            // the last step's value, 30 - 29 * 15/50.
            assertThat(last).isEqualTo(1f + 29f * (50 - 15) / 50);
            ValidationTemperatures.afterEpoch(od, 2, steps);
            assertThat(temperature(od)).isEqualTo(last);
        }
    }
}
