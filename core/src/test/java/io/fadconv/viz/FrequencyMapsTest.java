package io.fadconv.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The DCT maps of Figure 2 against hand values and the exact inverse. */
class FrequencyMapsTest {

    static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @Test
    void theWholeTransformInvertsExactly() {
        for (int[] size : new int[][] {{8, 8}, {5, 9}, {1, 6}}) {
            int h = size[0];
            int w = size[1];
            double[] f = random(h * w, h * 31L + w);
            double[] back = FrequencyMaps.inverse(FrequencyMaps.coefficients(f, h, w, h, w), h, w,
                    h, w);
            for (int i = 0; i < f.length; i++) {
                assertThat(back[i]).as("%dx%d pixel %d", w, h, i).isCloseTo(f[i],
                        Offset.offset(1e-12));
            }
        }
    }

    @Test
    void coefficientsAreTheReferenceDoubleSum() {
        int h = 5;
        int w = 9;
        double[] f = random(h * w, 3);
        double[][] c = FrequencyMaps.lowFrequencies(f, h, w, 4);
        for (int v = 0; v < 4; v++) {
            for (int u = 0; u < 4; u++) {
                double s = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        s += f[y * w + x] * Math.cos((2 * y + 1) * v * Math.PI / (2 * h)) / h
                                * Math.cos((2 * x + 1) * u * Math.PI / (2 * w)) / w;
                    }
                }
                assertThat(c[v][u]).isCloseTo(s, Offset.offset(1e-12));
            }
        }
    }

    @Test
    void theDcCoefficientIsTheMeanAndItsMapIsTheGapMap() {
        double[] f = random(12 * 16, 4);
        double mean = 0;
        for (double v : f) {
            mean += v / f.length;
        }
        double[][] c = FrequencyMaps.lowFrequencies(f, 12, 16, 1);
        assertThat(c[0][0]).isCloseTo(mean, Offset.offset(1e-12));
        double[] gap = FrequencyMaps.attention(f, 12, 16, 1, 0, 30, 40);
        for (double g : gap) {
            assertThat(g).isCloseTo(mean, Offset.offset(1e-12));
        }
    }

    /** A 2 x 2 example by hand: D = [[1/2, cos(pi/4)/2], [1/2, -cos(pi/4)/2]]. */
    @Test
    void twoByTwoByHand() {
        double[] f = {1, 2, 3, 4};
        double[][] c = FrequencyMaps.lowFrequencies(f, 2, 2, 2);
        double k = Math.cos(Math.PI / 4) / 2;
        assertThat(c[0][0]).isCloseTo(2.5, Offset.offset(1e-12));
        assertThat(c[0][1]).isCloseTo(0.5 * ((1 + 3) * k - (2 + 4) * k), Offset.offset(1e-12));
        assertThat(c[1][0]).isCloseTo(0.5 * ((1 + 2) * k - (3 + 4) * k), Offset.offset(1e-12));
        assertThat(c[1][1]).isCloseTo(k * k * (1 - 2 - 3 + 4), Offset.offset(1e-12));
    }

    @Test
    void keepingLowFrequenciesKeepsASmoothPatternAndDropsFineStripes() {
        int n = 32;
        double[] f = new double[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                f[y * n + x] = Math.cos((2 * x + 1) * 1 * Math.PI / (2 * n))   // u = 1: kept
                        + Math.cos((2 * y + 1) * 12 * Math.PI / (2 * n));        // v = 12: dropped
            }
        }
        double[] low = FrequencyMaps.attention(f, n, n, 4, 0, n, n);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                assertThat(low[y * n + x]).isCloseTo(Math.cos((2 * x + 1) * Math.PI / (2 * n)),
                        Offset.offset(1e-12));
            }
        }
    }

    @Test
    void poolingUsesPytorchsAdaptiveBins() {
        // 5 -> 3 bins: [0, 2), [1, 4), [3, 5)
        double[] f = new double[5 * 5];
        for (int i = 0; i < f.length; i++) {
            f[i] = i % 5;
        }
        double[] p = FrequencyMaps.pool(f, 5, 5, 3);
        assertThat(p[0]).isCloseTo(0.5, Offset.offset(1e-12));
        assertThat(p[1]).isCloseTo(2, Offset.offset(1e-12));
        assertThat(p[2]).isCloseTo(3.5, Offset.offset(1e-12));
    }
}
