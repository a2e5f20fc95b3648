package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizationTest {

    @TempDir Path tmp;

    private Sample sample(Path img, Window w) {
        Scene s = Scene.of(img.getFileName().toString(), img, img);
        return new Sample(s.name(), s.group(), s, w);
    }

    /** Mean and population std of the selected pixels, by the textbook formula in double. */
    private static double[] naive(float[][] values) {
        double sum = 0;
        int n = 0;
        for (float[] v : values) {
            for (float x : v) {
                sum += x;
                n++;
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (float[] v : values) {
            for (float x : v) {
                ss += (x - mean) * (x - mean);
            }
        }
        return new double[] {mean, Math.sqrt(ss / n)};
    }

    @Test
    void statisticsMatchTheTextbookFormulaAndSkipNodata() throws IOException {
        Path a = tmp.resolve("a.tif");
        Path b = tmp.resolve("b.tif");
        float[] da = Fixtures.ramp(3, 10, 6, 1000);
        float[] db = Fixtures.ramp(3, 10, 6, 3000);
        da[5] = 0; // nodata in band 0 of a, outside window wa, inside the full-image window below
        GeoTiffWriter.write(a, RasterSpec.of(10, 6, 3, SampleType.UINT16).withNodata(0), da);
        GeoTiffWriter.write(b, RasterSpec.of(10, 6, 3, SampleType.UINT16).withNodata(0), db);
        Window wa = new Window(2, 1, 5, 4);
        Window wb = Window.full(10, 6);
        Normalization n = Normalization.compute(List.of(sample(a, wa), sample(b, wb)),
                new int[] {2, 0}, 0, 0);
        assertThat(n.bands()).containsExactly(2, 0);
        for (int k = 0; k < 2; k++) {
            int band = n.bands()[k];
            float[] va = window(da, band, 10, wa);
            float[] vb = window(db, band, 10, wb);
            double[] ref = naive(new float[][] {withoutNodata(va), withoutNodata(vb)});
            assertThat(n.mean()[k]).isCloseTo(ref[0], offset(1e-9 * ref[0]));
            assertThat(n.std()[k]).isCloseTo(ref[1], offset(1e-9 * ref[1]));
        }
        // a window that contains the nodata pixel: it is left out of the statistics
        Normalization only = Normalization.compute(List.of(sample(a, Window.full(10, 6))),
                new int[] {0}, 0, 0);
        double[] ref = naive(new float[][] {withoutNodata(window(da, 0, 10, Window.full(10, 6)))});
        assertThat(only.mean()[0]).isCloseTo(ref[0], offset(1e-9 * ref[0]));
        try (RasterReader r = RasterReader.open(a)) {
            float[] v = only.read(r, new Window(4, 0, 3, 1));
            assertThat(v[0]).isCloseTo((float) ((da[4] - ref[0]) / ref[1]), offset(1e-5f));
            assertThat(v[1]).isEqualTo(0f); // nodata -> 0, the band mean
        }
    }

    private static float[] window(float[] d, int band, int w, Window win) {
        int h = d.length / 3 / w;
        float[] out = new float[(int) win.pixels()];
        int o = 0;
        for (int y = win.y(); y < win.y() + win.height(); y++) {
            for (int x = win.x(); x < win.x() + win.width(); x++) {
                out[o++] = d[band * w * h + y * w + x];
            }
        }
        return out;
    }

    private static float[] withoutNodata(float[] v) {
        int k = 0;
        float[] out = new float[v.length];
        for (float x : v) {
            if (x != 0) {
                out[k++] = x;
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    @Test
    void nanAndInfinityAreErrorsUnlessNanIsNodata() throws IOException {
        Path f = tmp.resolve("f.tif");
        float[] d = new float[16];
        d[6] = Float.NaN;
        GeoTiffWriter.write(f, RasterSpec.of(4, 4, 1, SampleType.FLOAT32), d);
        assertThatThrownBy(() -> Normalization.compute(List.of(sample(f, Window.full(4, 4))),
                new int[] {0}, 0, 0))
                .hasMessage(f + ": band 0 pixel (x=2, y=1) is NaN; set the file's nodata value "
                        + "(gdal_edit.py -a_nodata) or fix the data");
        d[6] = Float.POSITIVE_INFINITY;
        GeoTiffWriter.write(f, RasterSpec.of(4, 4, 1, SampleType.FLOAT32), d);
        try (RasterReader r = RasterReader.open(f)) {
            assertThatThrownBy(() -> Normalization.identity(0).read(r, Window.full(4, 4)))
                    .hasMessageContaining("pixel (x=2, y=1) is Infinity");
        }
        d[6] = Float.NaN;
        d[7] = 8;
        GeoTiffWriter.write(f, RasterSpec.of(4, 4, 1, SampleType.FLOAT32).withNodata(Double.NaN), d);
        Normalization n = Normalization.compute(List.of(sample(f, Window.full(4, 4))),
                new int[] {0}, 0, 0);
        assertThat(n.mean()[0]).isCloseTo(8.0 / 15, offset(1e-12));
    }

    @Test
    void bandCountAndJsonRoundTrip() throws IOException {
        Path f = tmp.resolve("three.tif");
        Fixtures.image(f, 3, 8, 8, 0);
        Normalization four = new Normalization(new int[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4},
                new double[] {5, 6, 7, 8});
        try (RasterReader r = RasterReader.open(f)) {
            assertThatThrownBy(() -> four.read(r, Window.full(8, 8)))
                    .hasMessage(f + ": has 3 band(s) but the band selection [0, 1, 2, 3] needs 4 "
                            + "(the model expects 4 input bands)");
        }
        Path json = tmp.resolve("norm.json");
        four.save(json);
        assertThat(Normalization.load(json)).isEqualTo(four);
        assertThatThrownBy(() -> new Normalization(new int[] {0}, new double[] {0},
                new double[] {0})).hasMessageContaining("std must be finite and > 0");
    }
}
