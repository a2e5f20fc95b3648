package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both per-sample convolution strategies against the double-precision reference. */
class DynamicConv2dTest {

    @ParameterizedTest(name = "B{0} C{1} O{2} {3}x{4} k{5} s{6} p{7} d{8} bias={9}")
    @CsvSource({
        "2, 4, 6, 8, 8, 3, 1, 1, 1, true",
        "3, 5, 4, 9, 7, 3, 2, 1, 1, false",
        "2, 3, 4, 11, 10, 3, 1, 2, 2, true",
        "2, 4, 2, 8, 9, 5, 2, 2, 1, false",
        "2, 6, 3, 6, 6, 1, 1, 0, 1, true",
        "2, 2, 3, 7, 12, 2, 1, 0, 1, false"
    })
    void bothStrategiesMatchTheReferenceInValueAndGradient(int b, int c, int o, int h, int w,
            int k, int s, int p, int d, boolean withBias) {
        Djl.engine();
        Random rnd = new Random(b * 131 + c * 17 + h);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Tensors.uniform(rnd, b * c * h * w), new Shape(b, c, h, w));
            NDArray kernels = m.create(Tensors.uniform(rnd, b * o * c * k * k),
                    new Shape(b, o, c, k, k));
            NDArray bias = withBias ? m.create(Tensors.uniform(rnd, b * o), new Shape(b, o)) : null;
            Shape one = new Shape(s, s);
            Shape pad = new Shape(p, p);
            Shape dil = new Shape(d, d);
            double[][] ref2 = withBias ? Tensors.to2(Tensors.values(bias), b, o) : null;
            double[] expected = Tensors.flat(RefMath.conv2d(
                    Tensors.to4(Tensors.values(x), b, c, h, w),
                    Tensors.to5(Tensors.values(kernels), b, o, c, k, k), ref2,
                    new int[] {s, s}, new int[] {p, p}, new int[] {d, d}, 1));
            List<List<float[]>> grads = new ArrayList<>();
            for (DynamicConv2d.Strategy strategy : DynamicConv2d.Strategy.values()) {
                List<NDArray> leaves = new ArrayList<>(List.of(x, kernels));
                if (bias != null) {
                    leaves.add(bias);
                }
                leaves.forEach(a -> a.setRequiresGradient(true));
                NDArray y;
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    y = DynamicConv2d.conv2d(x, kernels, bias, one, pad, dil, 1, strategy);
                    NDArray r = m.create(Tensors.uniform(new Random(3), (int) y.size()),
                            y.getShape());
                    gc.backward(y.mul(r).sum());
                }
                assertThat(RefMath.relativeError(expected, y.toFloatArray())).as(strategy.name())
                        .isLessThan(1e-5);
                List<float[]> g = new ArrayList<>();
                leaves.forEach(a -> g.add(a.getGradient().toFloatArray()));
                grads.add(g);
                // PyTorch accumulates gradients: clear them before the other strategy
                leaves.forEach(a -> a.getGradient().subi(a.getGradient()));
            }
            for (int i = 0; i < grads.get(0).size(); i++) {
                double[] a = new double[grads.get(0).get(i).length];
                for (int j = 0; j < a.length; j++) {
                    a[j] = grads.get(0).get(i)[j];
                }
                assertThat(RefMath.relativeError(a, grads.get(1).get(i))).as("gradient " + i)
                        .isLessThan(1e-5);
            }
        }
    }

    @ParameterizedTest(name = "C{0} {1} px groups {2} -> {3}")
    @CsvSource({"512, 64, 1, IM2COL_BMM", "64, 64, 1, IM2COL_BMM", "512, 256, 1, IM2COL_BMM",
        "256, 256, 1, GROUPED", "64, 16384, 1, GROUPED", "512, 64, 512, GROUPED"})
    void theStrategyFollowsTheMeasuredRule(long c, long pixels, int groups, String expected) {
        assertThat(DynamicConv2d.Strategy.choose(c, pixels, groups).name()).isEqualTo(expected);
    }
}
