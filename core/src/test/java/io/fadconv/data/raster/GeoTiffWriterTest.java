package io.fadconv.data.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.Raster;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeoTiffWriterTest {

    @TempDir Path tmp;

    static final GeoReference UTM = GeoReference.projected(32650, 500000, 3400000, 0.8,
            "WGS 84 / UTM zone 50N");

    /** Pixels read back by the JDK's decoder (independent of our encoder) and by our reader. */
    @ParameterizedTest(name = "{0} x{1} tile {2} {3}")
    @CsvSource({"UINT8, 1, 16, DEFLATE", "UINT8, 3, 32, NONE", "UINT16, 4, 32, DEFLATE",
        "INT16, 2, 16, DEFLATE", "FLOAT32, 1, 64, DEFLATE", "FLOAT32, 8, 16, NONE"})
    void roundTripsThroughTheJdkDecoderAndOurReader(SampleType type, int bands, int tile,
            Compression c) throws IOException {
        int w = 75;
        int h = 50; // not multiples of the tile: partial edge tiles
        float[] data = JdkTiffs.randomData(type, bands, w, h, 11);
        Path f = tmp.resolve("w.tif");
        RasterSpec spec = RasterSpec.of(w, h, bands, type).withTileSize(tile).withCompression(c, 6)
                .withGeo(UTM).withNodata(type == SampleType.FLOAT32 ? Double.NaN : 0);
        GeoTiffWriter.write(f, spec, data);

        Raster jdk = readWithJdk(ImageIO.getImageReadersByFormatName("tiff").next(), f);
        int n = w * h;
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < n; i++) {
                assertThat(jdk.getSampleFloat(i % w, i / w, b)).isEqualTo(data[b * n + i]);
            }
        }
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            assertThat(r.readWindow(r.info().extent())).containsExactly(data);
        }
    }

    private static Raster readWithJdk(javax.imageio.ImageReader rd, Path f) throws IOException {
        try (var in = ImageIO.createImageInputStream(f.toFile())) {
            rd.setInput(in);
            return rd.read(0).getRaster();
        } finally {
            rd.dispose();
        }
    }

    /** Every tag we write, read back from the file with our directory parser. */
    @Test
    void everyWrittenTagReadsBack() throws IOException {
        Path f = tmp.resolve("classes.tif");
        ColorMap cm = ColorMap.of(0x000000, 0xFF0000, 0x00FF00, 0x00FFFF, 0xFFFF00, 0x0000FF);
        GeoReference geo = new GeoReference(new double[0], new double[0],
                new double[] {0.8, 0.1, 0, 500000, 0.1, -0.8, 0, 3400000, 0, 0, 0, 0, 0, 0, 0, 1},
                new int[] {1, 1, 0, 3, 1024, 0, 1, 1, 1026, 34737, 6, 0, 2057, 34736, 1, 0},
                new double[] {6378137.0}, "hello|");
        RasterSpec spec = RasterSpec.of(40, 20, 1, SampleType.UINT8).withColorMap(cm)
                .withGeo(geo).withNodata(255).withTileSize(16);
        byte[] classes = new byte[800];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = (byte) (i % 6);
        }
        GeoTiffWriter.write(f, spec, classes);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            TiffDirectory d = TiffDirectory.read(ch);
            assertThat(d.order()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertThat(d.ints(TiffTags.IMAGE_WIDTH)).containsExactly(40);
            assertThat(d.ints(TiffTags.IMAGE_LENGTH)).containsExactly(20);
            assertThat(d.ints(TiffTags.BITS_PER_SAMPLE)).containsExactly(8);
            assertThat(d.ints(TiffTags.COMPRESSION)).containsExactly(8);
            assertThat(d.ints(TiffTags.PHOTOMETRIC)).containsExactly(3);
            assertThat(d.ints(TiffTags.SAMPLES_PER_PIXEL)).containsExactly(1);
            assertThat(d.ints(TiffTags.PLANAR_CONFIGURATION)).containsExactly(1);
            assertThat(d.ints(TiffTags.TILE_WIDTH)).containsExactly(16);
            assertThat(d.ints(TiffTags.TILE_LENGTH)).containsExactly(16);
            assertThat(d.ints(TiffTags.TILE_OFFSETS)).hasSize(6);
            assertThat(d.ints(TiffTags.TILE_BYTE_COUNTS)).hasSize(6).doesNotContain(0L);
            assertThat(d.ints(TiffTags.SAMPLE_FORMAT)).containsExactly(1);
            assertThat(d.has(TiffTags.EXTRA_SAMPLES)).isFalse();
            long[] map = d.ints(TiffTags.COLOR_MAP);
            assertThat(map).hasSize(768);
            assertThat(new long[] {map[1], map[257], map[513]}).containsExactly(65535, 0, 0);
            assertThat(new long[] {map[3], map[259], map[515]}).containsExactly(0, 65535, 65535);
            assertThat(d.reals(TiffTags.MODEL_TRANSFORMATION)).containsExactly(geo.transformation());
            assertThat(d.has(TiffTags.MODEL_PIXEL_SCALE)).isFalse();
            assertThat(d.ints(TiffTags.GEO_KEY_DIRECTORY)).containsExactly(
                    1, 1, 0, 3, 1024, 0, 1, 1, 1026, 34737, 6, 0, 2057, 34736, 1, 0);
            assertThat(d.reals(TiffTags.GEO_DOUBLE_PARAMS)).containsExactly(6378137.0);
            assertThat(d.ascii(TiffTags.GEO_ASCII_PARAMS)).isEqualTo("hello|");
            assertThat(d.ascii(TiffTags.GDAL_NODATA)).isEqualTo("255");
            assertThat(d.fields().keySet()).containsExactly(256, 257, 258, 259, 262, 277, 284,
                    320, 322, 323, 324, 325, 339, 34264, 34735, 34736, 34737, 42113);
        }
        RasterInfo info = GeoTiffReader.info(f);
        assertThat(info.colorMap()).isEqualTo(cm);
        assertThat(info.geo()).isEqualTo(geo);
        assertThat(info.geo().geoKeyAscii(1026)).hasValue("hello");
        assertThat(info.geo().geoKeyDouble(2057)).hasValue(6378137.0);
        assertThat(info.nodata()).hasValue(255);
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            int[] back = r.readWindowInts(info.extent());
            for (int i = 0; i < back.length; i++) {
                assertThat(back[i]).isEqualTo(i % 6);
            }
        }
    }

    @Test
    void rgbWithExtraBandAndScaleTiepointTags() throws IOException {
        Path f = tmp.resolve("rgbn.tif");
        RasterSpec spec = RasterSpec.of(20, 20, 4, SampleType.UINT8).withRgb().withGeo(UTM);
        GeoTiffWriter.write(f, spec, new float[4 * 400]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            TiffDirectory d = TiffDirectory.read(ch);
            assertThat(d.ints(TiffTags.PHOTOMETRIC)).containsExactly(2);
            assertThat(d.ints(TiffTags.EXTRA_SAMPLES)).containsExactly(0);
            assertThat(d.reals(TiffTags.MODEL_PIXEL_SCALE)).containsExactly(0.8, 0.8, 0);
            assertThat(d.reals(TiffTags.MODEL_TIEPOINT)).containsExactly(0, 0, 0, 500000, 3400000, 0);
            assertThat(d.ascii(TiffTags.GEO_ASCII_PARAMS)).isEqualTo("WGS 84 / UTM zone 50N|");
        }
        GeoReference g = GeoTiffReader.info(f).geo();
        assertThat(g.epsg()).hasValue(32650);
        assertThat(g.geoTransform().orElseThrow()).containsExactly(500000, 0.8, 0, 3400000, 0, -0.8);
    }

    @Test
    void shiftedGeoreferenceMovesTheOriginToTheWindow() throws IOException {
        GeoReference l7 = GeoTiffReader.info(GeoTiffReaderTest.fixture("L7_ETMs.tif")).geo();
        double[] t = l7.shifted(100, 40).geoTransform().orElseThrow();
        double[] t0 = l7.geoTransform().orElseThrow();
        assertThat(t[0]).isEqualTo(t0[0] + 100 * t0[1]);
        assertThat(t[3]).isEqualTo(t0[3] + 40 * t0[5]);
        assertThat(t[1]).isEqualTo(t0[1]);
        GeoReference rot = GeoTiffReader.info(GeoTiffReaderTest.fixture("geomatrix.tif")).geo();
        double[] r = rot.shifted(3, 5).geoTransform().orElseThrow();
        double[] r0 = rot.geoTransform().orElseThrow();
        assertThat(r[0]).isEqualTo(r0[0] + 3 * r0[1] + 5 * r0[2]);
        assertThat(r[3]).isEqualTo(r0[3] + 3 * r0[4] + 5 * r0[5]);
        // multiple tie points (ground control points) move in raster space
        GeoReference gcps = new GeoReference(new double[0],
                new double[] {10, 20, 0, 1, 2, 0, 30, 40, 0, 3, 4, 0}, new double[0], new int[0],
                new double[0], null);
        assertThat(gcps.shifted(5, 6).tiepoints())
                .containsExactly(5, 14, 0, 1, 2, 0, 25, 34, 0, 3, 4, 0);
    }

    /** Overlapping windows top to bottom, as a sliding-window predictor writes them. */
    @Test
    void streamsWindowsTopToBottomWithBoundedMemory() throws IOException {
        int w = 100;
        int h = 90;
        float[] data = JdkTiffs.randomData(SampleType.UINT16, 2, w, h, 5);
        Path f = tmp.resolve("stream.tif");
        int maxOpen = 0;
        try (GeoTiffWriter out = GeoTiffWriter.create(f, RasterSpec.of(w, h, 2, SampleType.UINT16)
                .withTileSize(16))) {
            for (int y = 0; y < h; y += 12) {
                for (int x = 0; x < w; x += 12) {
                    Window win = new Window(x, y, Math.min(20, w - x), Math.min(20, h - y));
                    out.writeWindow(win, JdkTiffs.crop(data, 2, w, h, win));
                    maxOpen = Math.max(maxOpen, out.openTileRows());
                }
            }
            assertThat(Files.exists(f)).isFalse();
            out.commit();
        }
        assertThat(maxOpen).isLessThanOrEqualTo(3); // rows touched by a 20-row window, not all 6
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            assertThat(r.readWindow(r.info().extent())).containsExactly(data);
        }
    }

    @Test
    void unwrittenPixelsHoldNodataAndBadWritesAreRefused() throws IOException {
        Path f = tmp.resolve("partial.tif");
        try (GeoTiffWriter out = GeoTiffWriter.create(f,
                RasterSpec.of(40, 40, 1, SampleType.FLOAT32).withTileSize(16).withNodata(-9999))) {
            out.writeWindow(new Window(16, 20, 2, 1), new float[] {1.5f, 2.5f});
            assertThatThrownBy(() -> out.writeWindow(new Window(0, 0, 1, 1), new float[1]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("write windows top to bottom");
            assertThatThrownBy(() -> out.writeWindow(new Window(39, 39, 2, 1), new float[2]))
                    .hasMessageContaining("reaches outside the 40x40 raster");
            assertThatThrownBy(() -> out.writeWindow(new Window(0, 39, 2, 1), new float[3]))
                    .hasMessage("window 2x1+0+39 of 1 band(s) needs 2 values, got 3");
            out.commit();
        }
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            assertThat(r.info().nodata()).hasValue(-9999);
            assertThat(r.readWindow(new Window(15, 20, 4, 1)))
                    .containsExactly(-9999, 1.5f, 2.5f, -9999);
            assertThat(r.readWindow(new Window(0, 0, 1, 1))).containsExactly(-9999);
        }
    }

    @Test
    void abandonedWriterLeavesNoFile() throws IOException {
        Path f = tmp.resolve("never.tif");
        try (GeoTiffWriter out = GeoTiffWriter.create(f, RasterSpec.of(64, 64, 1, SampleType.UINT8))) {
            out.writeWindow(new Window(0, 0, 8, 8), new byte[64]);
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void specRefusesWhatItCannotWrite() {
        assertThatThrownBy(() -> RasterSpec.of(10, 10, 1, SampleType.UINT8).withTileSize(20))
                .hasMessageContaining("multiple of 16");
        assertThatThrownBy(() -> RasterSpec.of(10, 10, 2, SampleType.UINT8).withRgb())
                .hasMessageContaining("RGB needs at least 3 integer bands");
        assertThatThrownBy(() -> RasterSpec.of(10, 10, 1, SampleType.UINT16)
                .withColorMap(ColorMap.of(1, 2))).hasMessageContaining("single uint8 band");
        assertThatThrownBy(() -> RasterSpec.of(10, 10, 1, SampleType.UINT8)
                .withCompression(Compression.LZW, 6)).hasMessageContaining("none or deflate");
        assertThatThrownBy(() -> RasterSpec.of(10, 10, 9, SampleType.UINT8))
                .hasMessageContaining("bands must be 1 to 8");
    }
}
