package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineSetup;
import io.fadconv.testing.Tensors;
import org.junit.jupiter.api.Test;

/** The dynamic layers keep their experts as the engine's convolutions take them (KernelMemory). */
class ExpertMemoryTest {

    @Test
    void dynamicLayersKeepTheirExpertsInTheTrainingLayoutsOrder() {
        Djl.engine();
        boolean channelsLast =
                EngineSetup.active().layout(true) == ConvLayout.CHANNELS_LAST;
        for (String spec : new String[] {"fadconv", "dyconv", "odconv"}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block b = Convs.create(ConvSpec.parse(spec), ConvGeometry.same(16, 16, 3, 1));
                b.initialize(m, DataType.FLOAT32, new Shape(2, 16, 8, 8));
                int kernels = 0;
                for (Parameter p : b.getParameters().values()) {
                    NDArray a = p.getArray();
                    if (a.getShape().dimension() == 5) {
                        kernels++;
                        assertThat(Tensors.channelsInnermost(a)).as(spec + " " + p.getName())
                                .isEqualTo(channelsLast);
                    }
                }
                assertThat(kernels).as(spec).isEqualTo(1);
            }
        }
    }
}
