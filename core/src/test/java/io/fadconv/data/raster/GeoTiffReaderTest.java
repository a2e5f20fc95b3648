package io.fadconv.data.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeoTiffReaderTest {

    @TempDir Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(GeoTiffReaderTest.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Expected values from GDAL 3.6.2 (gdalinfo, gdallocationinfo, ReadAsArray) on this file. */
    @Test
    void landsatSceneMatchesGdal() throws IOException {
        try (GeoTiffReader r = GeoTiffReader.open(fixture("L7_ETMs.tif"))) {
            RasterInfo info = r.info();
            assertThat(info.width()).isEqualTo(349);
            assertThat(info.height()).isEqualTo(352);
            assertThat(info.bands()).isEqualTo(6);
            assertThat(info.sampleType()).isEqualTo(SampleType.UINT8);
            assertThat(info.compression()).isEqualTo(Compression.DEFLATE);
            assertThat(info.tiled()).isFalse();
            assertThat(info.blockWidth()).isEqualTo(349);
            assertThat(info.blockHeight()).isEqualTo(3);
            assertThat(info.nodata()).isEmpty();
            GeoReference g = info.geo();
            assertThat(g.epsg()).hasValue(31985);
            assertThat(g.isPixelIsPoint()).isFalse();
            assertThat(g.pixelScale()[0]).isCloseTo(28.5, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(g.tiepoints()[3]).isCloseTo(288776.25, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(g.tiepoints()[4]).isCloseTo(9120760.75, org.assertj.core.data.Offset.offset(1e-3));
            double[] t = g.geoTransform().orElseThrow();
            double[] gdal = {288776.25000080315, 28.49999999927454, 0.0, 9120760.750028737, 0.0,
                -28.49999999927454};
            assertThat(t).containsExactly(gdal, org.assertj.core.data.Offset.offset(1e-9));

            float[] all = r.readWindow(info.extent());
            long[] sums = new long[6];
            int n = 349 * 352;
            for (int b = 0; b < 6; b++) {
                for (int i = 0; i < n; i++) {
                    sums[b] += (long) all[b * n + i];
                }
            }
            assertThat(sums).containsExactly(9723139, 8301410, 7906357, 7276952, 10218824, 7367834);
            assertThat(r.readWindow(new Window(0, 0, 1, 1))).containsExactly(69, 56, 46, 79, 86, 46);
            assertThat(r.readWindow(new Window(348, 351, 1, 1)))
                    .containsExactly(100, 91, 64, 13, 14, 12);
            assertThat(r.readWindowInts(new Window(100, 200, 1, 1)))
                    .containsExactly(71, 55, 53, 54, 96, 71);
            assertThat(r.readWindow(new Window(200, 37, 1, 1), 5, 0)).containsExactly(52, 67);
            float[] win = r.readWindow(new Window(120, 250, 30, 40));
            long[] wsum = new long[6];
            for (int b = 0; b < 6; b++) {
                for (int i = 0; i < 1200; i++) {
                    wsum[b] += (long) win[b * 1200 + i];
                }
            }
            assertThat(wsum).containsExactly(99821, 84621, 91130, 73820, 137530, 109232);
        }
    }

    @Test
    void modelTransformationAndPixelIsPointFollowGdal() throws IOException {
        RasterInfo info = GeoTiffReader.info(fixture("geomatrix.tif"));
        GeoReference g = info.geo();
        assertThat(g.transformation()).hasSize(16);
        assertThat(g.isPixelIsPoint()).isTrue();
        // gdalinfo: GeoTransform = 1841001.75, 1.5, -5 / 1144003.25, -5, -1.5
        assertThat(g.geoTransform().orElseThrow())
                .containsExactly(1841001.75, 1.5, -5, 1144003.25, -5, -1.5);
    }

    @ParameterizedTest(name = "{0} {1} bands, {2}, tile {3}")
    @CsvSource({
        "UINT8, 1, , 0", "UINT8, 3, LZW, 0", "UINT8, 4, PackBits, 32", "UINT8, 8, Deflate, 16",
        "UINT16, 4, Deflate, 32", "UINT16, 1, LZW, 16", "UINT16, 2, PackBits, 0",
        "UINT16, 6, , 48",
        "INT16, 1, Deflate, 0", "INT16, 4, LZW, 32",
        "FLOAT32, 1, , 16", "FLOAT32, 5, Deflate, 0", "FLOAT32, 3, LZW, 32"
    })
    void readsWhatTheJdkEncoderWrote(SampleType type, int bands, String compression, int tile)
            throws IOException {
        int w = 83;
        int h = 61;
        float[] data = JdkTiffs.randomData(type, bands, w, h, 7);
        Path f = tmp.resolve("t.tif");
        JdkTiffs.write(f, type, bands, w, h, data, compression, tile);
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            RasterInfo info = r.info();
            assertThat(info.sampleType()).isEqualTo(type);
            assertThat(info.bands()).isEqualTo(bands);
            assertThat(info.tiled()).isEqualTo(tile > 0);
            assertThat(info.compression()).isEqualTo(compression == null ? Compression.NONE
                    : Compression.parse(compression));
            assertThat(r.readWindow(info.extent())).containsExactly(data);
            Random rnd = new Random(3);
            for (int k = 0; k < 20; k++) {
                int x = rnd.nextInt(w);
                int y = rnd.nextInt(h);
                Window win = new Window(x, y, 1 + rnd.nextInt(w - x), 1 + rnd.nextInt(h - y));
                assertThat(r.readWindow(win)).containsExactly(JdkTiffs.crop(data, bands, w, h, win));
            }
            Window win = new Window(5, 9, 40, 30);
            int last = bands - 1;
            assertThat(r.readWindow(win, last, 0))
                    .containsExactly(JdkTiffs.crop(data, bands, w, h, win, last, 0));
        }
    }

    /** A window away from a damaged tile or strip reads fine: only the blocks it touches are decoded. */
    @ParameterizedTest(name = "tile {0}")
    @CsvSource({"32", "0"})
    void windowReadDecodesOnlyTheBlocksItTouches(int tile) throws IOException {
        int w = 128;
        int h = 128;
        float[] data = JdkTiffs.randomData(SampleType.UINT16, 3, w, h, 1);
        Path f = tmp.resolve("t.tif");
        JdkTiffs.write(f, SampleType.UINT16, 3, w, h, data, "Deflate", tile);
        long[] offsets;
        long[] counts;
        int rowsPerBlock;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            TiffDirectory d = TiffDirectory.read(ch);
            offsets = d.ints(tile > 0 ? TiffTags.TILE_OFFSETS : TiffTags.STRIP_OFFSETS);
            counts = d.ints(tile > 0 ? TiffTags.TILE_BYTE_COUNTS : TiffTags.STRIP_BYTE_COUNTS);
            rowsPerBlock = (int) d.intOr(tile > 0 ? TiffTags.TILE_LENGTH : TiffTags.ROWS_PER_STRIP,
                    h);
        }
        assertThat(offsets.length).isGreaterThan(2);
        int lastBlock = offsets.length - 1;
        byte[] junk = new byte[(int) counts[lastBlock]];
        java.util.Arrays.fill(junk, (byte) 0x5A);
        JdkTiffs.overwrite(f, offsets[lastBlock], junk);
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            Window top = new Window(0, 0, 32, Math.min(rowsPerBlock, 32));
            assertThat(r.readWindow(top)).containsExactly(JdkTiffs.crop(data, 3, w, h, top));
            Window corner = new Window(w - 8, h - 1, 8, 1);
            assertThatThrownBy(() -> r.readWindow(corner))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(f.toString())
                    .hasMessageContaining("corrupt");
        }
    }

    @Test
    void badFilesGiveOneLineErrorsNamingTheFile() throws IOException {
        float[] data = JdkTiffs.randomData(SampleType.UINT8, 3, 64, 64, 1);
        Path ok = tmp.resolve("ok.tif");
        JdkTiffs.write(ok, SampleType.UINT8, 3, 64, 64, data, "Deflate", 16);

        Path truncated = tmp.resolve("truncated.tif");
        Files.copy(ok, truncated);
        // The JDK writes the directory first, so cutting the file keeps the tags and loses tiles.
        JdkTiffs.truncate(truncated, Files.size(ok) / 2);
        assertThatThrownBy(() -> GeoTiffReader.open(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(truncated.toString())
                .hasMessageContaining("truncated");

        Path header = tmp.resolve("header.tif");
        Files.write(header, new byte[] {'I', 'I', 42, 0, 8, 0});
        assertThatThrownBy(() -> GeoTiffReader.open(header))
                .hasMessageStartingWith(header.toString()).hasMessageContaining("truncated");

        Path png = tmp.resolve("image.tif");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertThatThrownBy(() -> GeoTiffReader.open(png))
                .hasMessage(png + ": not a TIFF file (it does not start with II or MM)");

        Path lerc = tmp.resolve("lerc.tif");
        Files.copy(ok, lerc);
        JdkTiffs.patchTag(lerc, TiffTags.COMPRESSION, 34887);
        assertThatThrownBy(() -> GeoTiffReader.open(lerc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(lerc + ": unsupported compression LERC (34887); supported: none, LZW, "
                        + "Deflate, PackBits, ZSTD, JPEG; convert with gdal_translate -co "
                        + "COMPRESS=DEFLATE IN.tif OUT.tif");

        Path int32 = tmp.resolve("int32.tif");
        JdkTiffs.write(int32, SampleType.FLOAT32, 1, 16, 16,
                JdkTiffs.randomData(SampleType.FLOAT32, 1, 16, 16, 2), null, 0);
        JdkTiffs.patchTag(int32, TiffTags.SAMPLE_FORMAT, 2);
        assertThatThrownBy(() -> GeoTiffReader.open(int32))
                .hasMessage(int32 + ": unsupported sample type: 32-bit signed integer; supported: "
                        + "uint8, uint16, int16, float32");

        assertThatThrownBy(() -> GeoTiffReader.open(tmp.resolve("missing.tif")))
                .isInstanceOf(NoSuchFileException.class);

        try (GeoTiffReader r = GeoTiffReader.open(ok)) {
            assertThatThrownBy(() -> r.readWindow(new Window(60, 0, 5, 5)))
                    .hasMessage(ok + ": window 5x5+60+0 reaches outside the 64x64 raster");
            assertThatThrownBy(() -> r.readWindow(new Window(0, 0, 5, 5), 3))
                    .hasMessage(ok + ": band 3 requested but the file has 3 band(s) (0..2)");
        }
    }

    /**
     * A kept header opens the file again without reading the header (what predict does between
     * checking a folder's scenes and mapping them); a file rewritten since is read afresh.
     */
    @Test
    void aKeptHeaderOpensTheFileAgainWithoutReadingItUnlessTheFileChanged() throws IOException {
        Path f = tmp.resolve("kept.tif");
        float[] data = JdkTiffs.randomData(SampleType.UINT16, 2, 40, 30, 3);
        GeoTiffWriter.write(f, RasterSpec.of(40, 30, 2, SampleType.UINT16).withTileSize(16), data);
        GeoTiffReader.Header header;
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            header = r.header();
        }
        Window all = new Window(0, 0, 40, 30);
        try (HeaderReads reads = HeaderReads.count();
                GeoTiffReader again = GeoTiffReader.open(header)) {
            assertThat(reads.of(f)).as("header read again").isZero();
            assertThat(again.info()).isSameAs(header.info());
            assertThat(again.readWindow(all)).containsExactly(data);
        }
        GeoTiffWriter.write(f, RasterSpec.of(20, 30, 2, SampleType.UINT16).withTileSize(16),
                new float[2 * 20 * 30]);
        try (HeaderReads reads = HeaderReads.count();
                GeoTiffReader changed = GeoTiffReader.open(header)) {
            assertThat(reads.of(f)).as("a rewritten file's header").isEqualTo(1);
            assertThat(changed.info().width()).isEqualTo(20);
        }
    }
}
