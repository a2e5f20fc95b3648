package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.nn.Annealing;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every network, static and FADConv, computes the same logits under {@code channels-last-guarded}
 * as under {@code onednn-off}, whose convolutions never reach oneDNN: the guard's routes meet the
 * networks' own geometries (stems, heads, 1 x 1 shortcuts, depthwise, dilated ASPP, per-sample
 * convolutions). Inference mode, so that no dropout mask depends on the memory layout.
 */
class GuardedNetworksTest {

    static Stream<Arguments> networks() {
        List<Arguments> out = new ArrayList<>();
        for (String net : Models.names()) {
            for (String conv : List.of("static", "fadconv")) {
                out.add(Arguments.of(net, conv));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("networks")
    void guardedLogitsMatchOneDnnOff(String network, String conv) {
        Djl.engine();
        int in = network.contains("x0.25") ? 4 : 3;
        EngineConfig before = EngineSetup.active();
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = Models.create(ModelSpec.of(network, conv, in, 6));
            model.initialize(m, DataType.FLOAT32, new Shape(1, in, 64, 64));
            Annealing.finish(model);
            NDArray x = m.randomNormal(new Shape(2, in, 64, 64));
            EngineSetup.switchTo(EngineConfig.CHANNELS_LAST_GUARDED);
            float[] guarded = model.logits(new ParameterStore(m, false), x, false).toFloatArray();
            EngineSetup.switchTo(EngineConfig.ONEDNN_OFF);
            double[] reference = Tensors.values(model.logits(new ParameterStore(m, false), x,
                    false));
            assertThat(RefMath.relativeError(reference, guarded)).isLessThan(1e-4);
        } finally {
            EngineSetup.switchTo(before);
        }
    }
}
