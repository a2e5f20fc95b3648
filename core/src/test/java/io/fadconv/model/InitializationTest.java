package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.nn.TorchStateDict;
import io.fadconv.nn.TorchWeights;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Initial parameters follow the reference models: torchvision's kaiming-normal (fan-out) for
 * encoder convolutions, smp's kaiming-uniform (fan-in) for decoder convolutions and xavier-uniform
 * for the head, BatchNorm weight 1 / bias 0; dynamic convolutions keep their own initialisers.
 */
class InitializationTest {

    @Test
    void layersStartFromTheReferenceDistributions() {
        Djl.engine();
        Djl.seed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = Models.create(ModelSpec.of("resnet18-unet", "fadconv", 3,
                    6));
            model.initialize(m, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            Map<String, TorchStateDict.Entry> sd = TorchWeights.stateDict(model).entries();

            // torchvision: N(0, 2 / fan_out), fan_out = 512 * 1 * 1 for the 1x1 shortcut
            float[] ds = values(sd, "encoder.layer4.0.downsample.0.weight");
            double dsStd = Math.sqrt(2.0 / 512);
            assertThat(std(ds)).isCloseTo(dsStd, within(0.02 * dsStd));
            float[] stem = values(sd, "encoder.conv1.weight");
            assertThat(std(stem)).isCloseTo(Math.sqrt(2.0 / (64 * 49)),
                    within(0.05 * Math.sqrt(2.0 / (64 * 49))));
            // smp decoder: U(-b, b), b = sqrt(6 / fan_in), fan_in = (512 + 256) * 9
            float[] dec = values(sd, "decoder.blocks.0.conv1.0.weight");
            double bound = Math.sqrt(6.0 / (768 * 9));
            assertThat(maxAbs(dec)).isLessThanOrEqualTo(bound * 1.0001).isGreaterThan(bound * 0.99);
            // smp head: xavier-uniform, bias 0
            double xavier = Math.sqrt(6.0 / (16 * 9 + 6 * 9));
            assertThat(maxAbs(values(sd, "segmentation_head.0.weight")))
                    .isLessThanOrEqualTo(xavier * 1.0001).isGreaterThan(xavier * 0.9);
            assertThat(maxAbs(values(sd, "segmentation_head.0.bias"))).isZero();
            // BatchNorm
            assertThat(values(sd, "encoder.layer1.0.bn1.weight")).containsOnly(1f);
            assertThat(values(sd, "decoder.blocks.2.conv2.1.bias")).containsOnly(0f);
            assertThat(values(sd, "encoder.bn1.running_var")).containsOnly(1f);
            // FADConv experts: its reference's kaiming-normal fan-out over [K, O, I, k, k]
            float[] experts = values(sd, "encoder.layer4.1.conv2.experts");
            double fanOut = 4.0 * 512 * 9;
            assertThat(std(experts)).isCloseTo(Math.sqrt(2 / fanOut),
                    within(0.02 * Math.sqrt(2 / fanOut)));
        }
    }

    private static float[] values(Map<String, TorchStateDict.Entry> sd, String key) {
        return ((TorchStateDict.ParamEntry) sd.get(key)).parameter().getArray().toFloatArray();
    }

    private static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * (double) x;
        }
        double mean = s / v.length;
        return Math.sqrt(s2 / v.length - mean * mean);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
