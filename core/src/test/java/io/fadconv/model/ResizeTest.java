package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resizing against PyTorch's {@code F.interpolate} source-index formulas, evaluated pixel by pixel
 * in double precision.
 */
class ResizeTest {

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3} alignCorners={4}")
    @CsvSource({"4,6,16,24,true", "4,6,16,24,false", "5,3,7,11,false", "5,3,7,11,true",
        "1,1,4,3,false", "8,8,2,4,false"})
    void bilinearMatchesPytorchFormula(int h, int w, int oh, int ow, boolean align) {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = Tensors.uniform(new Random(3), 2 * h * w);
            NDArray x = m.create(v, new Shape(1, 2, h, w));
            NDArray y = Resize.resize(x, oh, ow, Resize.Mode.BILINEAR, align);
            double[] ref = new double[2 * oh * ow];
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sy = source(i, h, oh, align);
                        double sx = source(j, w, ow, align);
                        int y0 = (int) Math.floor(sy);
                        int x0 = (int) Math.floor(sx);
                        int y1 = Math.min(y0 + 1, h - 1);
                        int x1 = Math.min(x0 + 1, w - 1);
                        double ly = sy - y0;
                        double lx = sx - x0;
                        ref[(c * oh + i) * ow + j] = (1 - ly) * ((1 - lx) * at(v, c, y0, x0, h, w)
                                + lx * at(v, c, y0, x1, h, w)) + ly * ((1 - lx)
                                * at(v, c, y1, x0, h, w) + lx * at(v, c, y1, x1, h, w));
                    }
                }
            }
            assertThat(RefMath.relativeError(ref, y.toFloatArray())).isLessThan(1e-6);
        }
    }

    private static double source(int dst, int in, int out, boolean align) {
        if (align) {
            return out > 1 ? dst * (in - 1.0) / (out - 1) : 0;
        }
        return Math.max(0, (dst + 0.5) * in / out - 0.5);
    }

    private static double at(float[] v, int c, int y, int x, int h, int w) {
        return v[(c * h + y) * w + x];
    }

    @Test
    void nearestReadsFloorOfScaledIndex() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            int h = 3;
            int w = 5;
            int oh = 6;
            int ow = 10;
            float[] v = Tensors.uniform(new Random(5), h * w);
            NDArray y = Resize.resize(m.create(v, new Shape(1, 1, h, w)), oh, ow,
                    Resize.Mode.NEAREST, false);
            float[] got = y.toFloatArray();
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int si = (int) Math.floor(i * (double) h / oh);
                    int sj = (int) Math.floor(j * (double) w / ow);
                    assertThat(got[i * ow + j]).isEqualTo(v[si * w + sj]);
                }
            }
        }
    }

    @Test
    void parsesModes() {
        assertThat(Resize.Mode.parse("Bilinear")).isEqualTo(Resize.Mode.BILINEAR);
        assertThatThrownBy(() -> Resize.Mode.parse("bicubic"))
                .hasMessageContaining("valid: nearest, bilinear");
    }
}
