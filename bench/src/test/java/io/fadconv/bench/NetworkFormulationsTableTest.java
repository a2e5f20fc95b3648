package io.fadconv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import io.fadconv.nn.ConvProblem;
import io.fadconv.nn.DynamicConv2d.Strategy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-network formulation report's arithmetic, against numbers worked by hand. */
class NetworkFormulationsTableTest {

    private static final Shape ONE = new Shape(1, 1);

    private static double[] times(Strategy a, double ta, Strategy b, double tb) {
        double[] ms = new double[Strategy.values().length];
        Arrays.fill(ms, Double.NaN);
        ms[a.ordinal()] = ta;
        ms[b.ordinal()] = tb;
        return ms;
    }

    @Test
    void theLeastExtraTheRegretAndTheLeastRatioAddUpOverTheLayers() {
        ConvProblem first = new ConvProblem(new Shape(8, 16, 64, 64), new Shape(16, 16, 3, 3),
                ONE, ONE, ONE, 1, 4, true);
        ConvProblem strided = new ConvProblem(new Shape(8, 16, 64, 64), new Shape(32, 16, 3, 3),
                new Shape(2, 2), ONE, ONE, 1, 4, true);
        // 4 layers: static 2.0, grouped 3.0 (chosen), per-sample 2.5 (the fastest)
        NetworkFormulations.Geometry a = new NetworkFormulations.Geometry(first, 4, 2.0,
                times(Strategy.GROUPED, 3.0, Strategy.PER_SAMPLE, 2.5), Strategy.GROUPED);
        // 3 layers: static 4.0, im2col-bmm 5.0 (chosen, the fastest), grouped 6.0
        NetworkFormulations.Geometry b = new NetworkFormulations.Geometry(strided, 3, 4.0,
                times(Strategy.IM2COL_BMM, 5.0, Strategy.GROUPED, 6.0), Strategy.IM2COL_BMM);
        assertThat(a.best()).isEqualTo(Strategy.PER_SAMPLE);
        assertThat(a.regretMs()).isEqualTo(4 * 0.5);
        assertThat(b.regretMs()).isZero();
        assertThat(a.label()).isEqualTo("C16 64x64 O16 k3x3 s1");
        assertThat(b.label()).isEqualTo("C16 64x64 O32 k3x3 s2");
        NetworkFormulations.Report r = new NetworkFormulations.Report("net", 100, List.of(a, b));
        // least extra: 4 x (2.5 - 2.0) + 3 x (5.0 - 4.0) = 5.0 ms; chosen: 4 x 1.0 + 3 x 1.0 = 7.0
        assertThat(r.leastExtraMs()).isEqualTo(5.0);
        assertThat(r.regretMs()).isEqualTo(2.0);
        assertThat(r.leastRatio()).isEqualTo(1.05);
        assertThat(NetworkFormulations.table(r))
                .contains("| geometry | layers | static | grouped | chunked-grouped | grouped-nchw"
                        + " | im2col-bmm | per-sample | expert-sum | tuner's choice |")
                .contains("| C16 64x64 O16 k3x3 s1 | 4 | 2.00 ms | 3.00 ms (1.50x) | - | - | - "
                        + "| **2.50 ms (1.25x)** | - | grouped, +0.50 ms over the fastest |")
                .contains("| C16 64x64 O32 k3x3 s2 | 3 | 4.00 ms | 6.00 ms (1.50x) | - | - "
                        + "| **5.00 ms (1.25x)** | - | - | im2col-bmm, the fastest |")
                .contains("static network: 100.0 ms per pass (median of its rounds before and "
                        + "after the geometries)")
                .contains("the 7 dynamic layers' convolutions over static ones: at least +5.0 ms "
                        + "per pass (each geometry's fastest formulation); +7.0 ms as the tuner "
                        + "chose (2.0 ms over the fastest)")
                .contains("formulations allow: 1.050x");
    }

    @Test
    void aGeometryNeedsALayerAndATime() {
        ConvProblem p = new ConvProblem(new Shape(2, 8, 4, 4), new Shape(8, 8, 3, 3), ONE, ONE,
                ONE, 1, 4, false);
        double[] none = new double[Strategy.values().length];
        Arrays.fill(none, Double.NaN);
        assertThatThrownBy(() -> new NetworkFormulations.Geometry(p, 1, 1.0, none,
                Strategy.GROUPED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkFormulations.Geometry(p, 0, 1.0,
                times(Strategy.GROUPED, 1.0, Strategy.PER_SAMPLE, 2.0), Strategy.GROUPED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
