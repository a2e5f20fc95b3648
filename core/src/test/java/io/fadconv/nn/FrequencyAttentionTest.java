package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConv;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The truncated, fused DCT equals pool -> full p x p DCT -> crop (double precision reference), and
 * what it costs.
 */
class FrequencyAttentionTest {

    @ParameterizedTest(name = "{0}x{1} p={2} n={3} h={4}")
    @CsvSource({"16,16,16,4,0", "40,24,16,4,2", "7,9,16,5,0", "33,31,8,2,2", "5,5,32,6,1",
        "128,128,16,4,0"})
    void truncatedDctEqualsPoolFullDctCrop(int h, int w, int p, int low, int high) {
        Djl.engine();
        FrequencyAttention fat = FrequencyAttention.builder().optPoolSize(p)
                .optLowFrequencies(low).optHighFrequencies(high).build();
        int c = 3;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xv = Tensors.uniform(new Random(h * 31 + w), 2 * c * h * w);
            NDArray x = m.create(xv, new Shape(2, c, h, w));
            double[][][][] xr = Tensors.to4(Tensors.values(x), 2, c, h, w);
            int f = low * low + high * high;
            double[] expected = new double[2 * c * f];
            for (int b = 0; b < 2; b++) {
                for (int ch = 0; ch < c; ch++) {
                    double[][] full = RefMath.dct2(RefMath.adaptiveAvgPool(xr[b][ch], p));
                    int k = (b * c + ch) * f;
                    for (int u = 0; u < low; u++) {
                        for (int v = 0; v < low; v++) {
                            expected[k++] = full[u][v];
                        }
                    }
                    for (int u = p - high; u < p; u++) {
                        for (int v = p - high; v < p; v++) {
                            expected[k++] = full[u][v];
                        }
                    }
                }
            }
            NDArray nhwc = EngineConv.channelsLast(x);
            for (FrequencyAttention.Form form : FrequencyAttention.Form.values()) {
                float[] got = fat.coefficients(x, form, ConvLayout.NCHW).toFloatArray();
                assertThat(RefMath.relativeError(expected, got)).as(form.name()).isLessThan(1e-5);
                got = fat.coefficients(nhwc, form, ConvLayout.CHANNELS_LAST).toFloatArray();
                assertThat(RefMath.relativeError(expected, got)).as(form + " channels-last")
                        .isLessThan(1e-5);
            }
            assertThat(fat.coefficients(x).toFloatArray()).as("the chosen form")
                    .containsExactly(fat.coefficients(x, FrequencyAttention.Form.choose(h, w))
                            .toFloatArray());
        }
    }

    /**
     * Every form's gradient with respect to the input, against the reference: the coefficients
     * are linear in the input, so the gradient of {@code sum(G * coefficients)} at pixel
     * {@code (i, j)} is {@code sum_k G_k} times coefficient k of the unit map at {@code (i, j)},
     * each from pool -> full DCT -> crop in double precision.
     */
    @ParameterizedTest(name = "{0}x{1} p={2} n={3} h={4}")
    @CsvSource({"64,32,16,3,2", "48,48,16,4,0", "40,24,16,4,2"})
    void everyFormsInputGradientEqualsTheReference(int h, int w, int p, int low, int high) {
        Djl.engine();
        FrequencyAttention fat = FrequencyAttention.builder().optPoolSize(p)
                .optLowFrequencies(low).optHighFrequencies(high).build();
        int c = 2;
        int f = low * low + high * high;
        double[][] unit = new double[h * w][f]; // coefficient k of the unit map at (i, j)
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double[][] e = new double[h][w];
                e[i][j] = 1;
                double[][] full = RefMath.dct2(RefMath.adaptiveAvgPool(e, p));
                int k = 0;
                for (int u = 0; u < low; u++) {
                    for (int v = 0; v < low; v++) {
                        unit[i * w + j][k++] = full[u][v];
                    }
                }
                for (int u = p - high; u < p; u++) {
                    for (int v = p - high; v < p; v++) {
                        unit[i * w + j][k++] = full[u][v];
                    }
                }
            }
        }
        float[] g = Tensors.uniform(new Random(5), 2 * c * f);
        double[] expected = new double[2 * c * h * w];
        for (int bc = 0; bc < 2 * c; bc++) {
            for (int px = 0; px < h * w; px++) {
                for (int k = 0; k < f; k++) {
                    expected[bc * h * w + px] += g[bc * f + k] * unit[px][k];
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            for (FrequencyAttention.Form form : FrequencyAttention.Form.values()) {
                for (ConvLayout memory : ConvLayout.values()) {
                    NDArray x = m.create(Tensors.uniform(new Random(h + w), 2 * c * h * w),
                            new Shape(2, c, h, w));
                    x.setRequiresGradient(true);
                    try (ai.djl.training.GradientCollector gc =
                            Djl.engine().newGradientCollector()) {
                        NDArray in = memory == ConvLayout.CHANNELS_LAST
                                ? EngineConv.channelsLast(x) : x;
                        gc.backward(fat.coefficients(in, form, memory)
                                .mul(m.create(g, new Shape(2, c, f))).sum());
                    }
                    assertThat(RefMath.relativeError(expected, x.getGradient().toFloatArray()))
                            .as(form + " " + memory).isLessThan(1e-5);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}x{0} p={1}")
    @CsvSource({"16,16", "32,16", "16,32", "128,16"})
    void truncatedDctCostsLessThanThePapersFullDctOnMapsUpToTwiceThePoolSize(int size, int p) {
        FrequencyAttention fat = FrequencyAttention.builder().optPoolSize(p).build();
        long c = 64;
        long ours = fat.madds(new Shape(1, c, size, size)).get(Costed.DCT);
        long paper = fat.paperDctMadds(c) + c * size * size; // full DCT plus the pooling pass
        // Two products, C (H W m + W m^2) with m = 4, or on maps up to 16 x 16 one product with
        // the [H W, f] basis, C H W f with f = 16; against 2 C p^3 + C H W.
        assertThat(ours).isEqualTo(size * size <= 256 ? c * size * size * 16L
                : c * ((long) size * size * 4 + size * 16L));
        if (size <= 2 * p) {
            assertThat(ours).isLessThan(paper);
        }
    }
}
