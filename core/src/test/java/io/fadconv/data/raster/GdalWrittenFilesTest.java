package io.fadconv.data.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GDAL writes, we read: files made by {@code gdal_translate} from known pixels (an ENVI raw file,
 * no code of ours in between) with GDAL's common creation options. Our reader must return the
 * same pixels, and the geotransform, CRS and nodata that {@code gdalinfo -json} and
 * {@code gdalsrsinfo -o projjson} report.
 */
class GdalWrittenFilesTest {

    @TempDir static Path tmp;

    static final int W = 83;
    static final int H = 61;

    @BeforeAll
    static void gdal() {
        Gdal.require();
    }

    static float[] data(SampleType type, int bands) {
        return JdkTiffs.randomData(type, bands, W, H, 11);
    }

    static Path source(SampleType type, int bands) throws IOException {
        String name = "src-" + type + "-" + bands;
        Path raw = tmp.resolve(name + ".raw");
        if (!Files.exists(raw)) {
            Gdal.envi(tmp, name, type, bands, W, H, data(type, bands));
        }
        return raw;
    }

    @ParameterizedTest(name = "{0} {1} predictor {2} tiled {3} {4} BIGTIFF={5}")
    @CsvSource({
        "UINT8, NONE, 1, true, PIXEL, NO", "UINT8, DEFLATE, 2, false, BAND, NO",
        "UINT8, LZW, 2, true, PIXEL, YES", "UINT8, ZSTD, 1, false, PIXEL, NO",
        "UINT8, PACKBITS, 1, true, BAND, NO", "UINT8, LZW, 1, false, PIXEL, NO",
        "UINT16, NONE, 1, false, BAND, YES", "UINT16, DEFLATE, 2, true, PIXEL, NO",
        "UINT16, LZW, 1, false, PIXEL, NO", "UINT16, LZW, 2, true, BAND, NO",
        "UINT16, ZSTD, 2, true, PIXEL, YES", "UINT16, PACKBITS, 1, false, PIXEL, NO",
        "UINT16, DEFLATE, 1, false, PIXEL, NO",
        "INT16, DEFLATE, 2, false, PIXEL, NO", "INT16, LZW, 2, true, PIXEL, NO",
        "INT16, ZSTD, 2, false, BAND, NO", "INT16, PACKBITS, 1, true, PIXEL, YES",
        "FLOAT32, NONE, 1, true, PIXEL, NO", "FLOAT32, DEFLATE, 3, true, PIXEL, NO",
        "FLOAT32, DEFLATE, 2, false, PIXEL, NO", "FLOAT32, LZW, 3, false, BAND, YES",
        "FLOAT32, ZSTD, 3, true, BAND, NO", "FLOAT32, PACKBITS, 1, false, PIXEL, NO",
        "FLOAT32, ZSTD, 1, false, PIXEL, NO"
    })
    void samePixelsAndGeoreferencingAsGdalForEachCreationOption(SampleType type,
            Compression compression, int predictor, boolean tiled, String interleave,
            String bigTiff) throws IOException {
        int bands = 3;
        String nodata = switch (type) {
            case UINT8 -> "255";
            case UINT16 -> "0";
            case INT16 -> "-9999";
            case FLOAT32 -> "nan";
        };
        List<String> opts = new ArrayList<>(List.of("-of", "GTiff", "-a_srs", "EPSG:32650",
                "-a_ullr", "500000", "3400000", "" + (500000 + W * 0.8), "" + (3400000 - H * 0.8),
                "-a_nodata", nodata, "-co", "COMPRESS=" + compression.gdalName(),
                "-co", "INTERLEAVE=" + interleave, "-co", "BIGTIFF=" + bigTiff));
        if (predictor != 1) {
            opts.addAll(List.of("-co", "PREDICTOR=" + predictor));
        }
        if (tiled) {
            opts.addAll(List.of("-co", "TILED=YES", "-co", "BLOCKXSIZE=32", "-co", "BLOCKYSIZE=32"));
        } else {
            opts.addAll(List.of("-co", "BLOCKYSIZE=7"));
        }
        Path f = tmp.resolve(type + "-" + compression + "-" + predictor + "-" + tiled + "-"
                + interleave + "-" + bigTiff + ".tif");
        Gdal.translate(source(type, bands), f, opts);
        JsonNode gdal = Gdal.info(f);
        float[] expected = data(type, bands);
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            RasterInfo info = r.info();
            assertThat(info.width()).isEqualTo(gdal.get("size").get(0).asInt());
            assertThat(info.height()).isEqualTo(gdal.get("size").get(1).asInt());
            assertThat(info.bands()).isEqualTo(gdal.get("bands").size());
            JsonNode band = gdal.get("bands").get(0);
            assertThat(info.sampleType().gdalName()).isEqualTo(band.get("type").asText());
            assertThat(info.blockWidth()).isEqualTo(band.get("block").get(0).asInt());
            assertThat(info.blockHeight()).isEqualTo(band.get("block").get(1).asInt());
            JsonNode structure = gdal.get("metadata").get("IMAGE_STRUCTURE");
            assertThat(info.compression().gdalName())
                    .isEqualTo(structure.path("COMPRESSION").asText("NONE"));
            assertThat(info.bandInterleaved())
                    .isEqualTo(structure.get("INTERLEAVE").asText().equals("BAND"));
            assertThat(info.predictor()).isEqualTo(predictor);
            assertThat(info.tiled()).isEqualTo(tiled);
            assertThat(info.bigTiff()).isEqualTo(bigTiff.equals("YES"));
            assertThat(info.geo().geoTransform().orElseThrow())
                    .containsExactly(Gdal.geoTransform(gdal), within(1e-9));
            assertThat(info.geo().epsg()).hasValue(Gdal.srs(f).get("id").get("code").asInt());
            String gdalNodata = band.get("noDataValue").asText();
            if (gdalNodata.equalsIgnoreCase("nan")) {
                assertThat(info.nodata().getAsDouble()).isNaN();
            } else {
                assertThat(info.nodata()).hasValue(Double.parseDouble(gdalNodata));
            }
            assertThat(r.readWindow(info.extent())).containsExactly(expected);
            Random rnd = new Random(5);
            for (int k = 0; k < 6; k++) {
                int x = rnd.nextInt(W);
                int y = rnd.nextInt(H);
                Window win = new Window(x, y, 1 + rnd.nextInt(W - x), 1 + rnd.nextInt(H - y));
                assertThat(r.readWindow(win, 2, 0))
                        .containsExactly(JdkTiffs.crop(expected, bands, W, H, win, 2, 0));
            }
            double[] at = Gdal.valuesAt(f, 40, 30);
            float[] ours = r.readWindow(new Window(40, 30, 1, 1));
            for (int b = 0; b < bands; b++) {
                // gdallocationinfo prints 15 significant digits
                assertThat((double) ours[b]).isCloseTo(at[b], within(Math.abs(at[b]) * 1e-14));
            }
        }
    }

    /** JPEG is lossy: the reference is what GDAL (libjpeg-turbo) decodes from the same file. */
    @ParameterizedTest(name = "{0} {1} bands tiled {2}")
    @CsvSource({"YCBCR, 3, true", "RGB, 3, false", "MINISBLACK, 1, true"})
    void jpegDecodesAsGdalDecodesIt(String photometric, int bands, boolean tiled)
            throws IOException {
        float[] smooth = new float[bands * W * H];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    smooth[(b * H + y) * W + x] = (float) Math.round(127 + 100 * Math.sin(
                            0.07 * x + 0.05 * y + b) * Math.cos(0.03 * x * (b + 1)));
                }
            }
        }
        Path src = Gdal.envi(tmp, "jpeg-src-" + photometric, SampleType.UINT8, bands, W, H, smooth);
        Path f = tmp.resolve("jpeg-" + photometric + "-" + tiled + ".tif");
        List<String> opts = new ArrayList<>(List.of("-of", "GTiff", "-co", "COMPRESS=JPEG",
                "-co", "PHOTOMETRIC=" + photometric, "-co", "JPEG_QUALITY=90"));
        if (tiled) {
            opts.addAll(List.of("-co", "TILED=YES", "-co", "BLOCKXSIZE=32", "-co", "BLOCKYSIZE=32"));
        } else {
            opts.addAll(List.of("-co", "BLOCKYSIZE=16"));
        }
        Gdal.translate(src, f, opts);
        float[] gdal = Gdal.pixels(f, SampleType.UINT8, tmp);
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            assertThat(r.info().compression()).isEqualTo(Compression.JPEG);
            float[] ours = r.readWindow(r.info().extent());
            assertThat(ours).hasSameSizeAs(gdal);
            int maxDiff = 0;
            for (int i = 0; i < ours.length; i++) {
                maxDiff = Math.max(maxDiff, (int) Math.abs(ours[i] - gdal[i]));
            }
            // Same IJG integer IDCT and libjpeg's colour tables on both sides; measured 0-1.
            assertThat(maxDiff).as("largest difference to GDAL's decoding").isLessThanOrEqualTo(1);
            float[] win = r.readWindow(new Window(30, 20, 40, 30));
            assertThat(win).containsExactly(JdkTiffs.crop(ours, bands, W, H,
                    new Window(30, 20, 40, 30)));
        }
    }

    /** A cloud-optimised GeoTIFF: the first image is the full resolution; overviews follow. */
    @Test
    void cogIsReadAtFullResolution() throws IOException {
        Path f = tmp.resolve("cog.tif");
        Gdal.translate(source(SampleType.UINT16, 3), f, List.of("-of", "COG", "-co",
                "COMPRESS=DEFLATE", "-co", "BLOCKSIZE=32", "-co", "OVERVIEWS=IGNORE_EXISTING",
                "-co", "OVERVIEW_RESAMPLING=AVERAGE", "-a_srs", "EPSG:32650", "-a_ullr", "0",
                "" + H, "" + W, "0"));
        JsonNode gdal = Gdal.info(f);
        assertThat(gdal.get("bands").get(0).get("overviews").size()).isPositive();
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            assertThat(r.info().width()).isEqualTo(W);
            assertThat(r.readWindow(r.info().extent()))
                    .containsExactly(data(SampleType.UINT16, 3));
            assertThat(r.info().geo().geoTransform().orElseThrow())
                    .containsExactly(Gdal.geoTransform(gdal), within(1e-9));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "EPSG:32650; 0.8",
        "EPSG:4326; 0.0001",
        "EPSG:2227; 2",
        "+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-96 +x_0=0 +y_0=0 +datum=NAD83 +units=m +no_defs; 3000",
        "+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=39500000 +y_0=0 +ellps=GRS80 +units=m +no_defs; 1",
        "PROJCS[\"CGCS2000 / Gauss-Kruger CM 117E (user)\",GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4490\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",117],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]; 2",
        "+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +datum=NAD83 +units=us-ft +no_defs; 10",
        "+proj=tmerc +lat_0=0 +lon_0=-120 +k=0.9999 +x_0=500000 +y_0=0 +datum=NAD83 +units=ft +no_defs; 10",
        "+proj=utm +zone=50 +ellps=intl +units=m +no_defs; 30",
        "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs; 100",
        "+proj=lcc +lat_1=40 +lat_0=40 +lon_0=10 +k_0=0.99 +x_0=100 +y_0=200 +datum=WGS84 +units=m; 5",
        "+proj=stere +lat_0=90 +lat_ts=90 +lon_0=-45 +k=0.994 +x_0=2000000 +y_0=2000000 +datum=WGS84 +units=m; 500",
        "+proj=merc +lon_0=100 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m; 250"
    })
    void everyCrsIsNamedAsGdalNamesIt(String srs, double pixel) throws IOException {
        Path f = tmp.resolve("crs-" + Integer.toHexString(srs.hashCode()) + ".tif");
        Gdal.translate(source(SampleType.UINT8, 1), f, List.of("-of", "GTiff", "-a_srs", srs,
                "-a_ullr", "1000", "5000", "" + (1000 + W * pixel), "" + (5000 - H * pixel)));
        JsonNode pj = Gdal.srs(f);
        CoordinateSystem crs = GeoTiffReader.info(f).geo().crs();
        CrsAgreement.assertSame(crs, pj);
        if (crs.isProjected()) {
            double[] t = GeoTiffReader.info(f).geo().geoTransform().orElseThrow();
            double factor = CrsAgreement.linearUnitFactor(pj);
            assertThat(io.fadconv.infer.PixelArea.of(GeoTiffReader.info(f).geo(),
                    java.util.OptionalDouble.empty(), f).squareMetres())
                    .isCloseTo(Math.abs(t[1] * t[5]) * factor * factor, within(1e-9 * pixel * pixel));
        }
    }

    /** What GDAL reads without complaint, we read too, and describe the same way. */
    @Test
    void lenientWhereGdalIsLenient() throws IOException {
        Path base = tmp.resolve("lenient.tif");
        Gdal.translate(source(SampleType.UINT8, 1), base, List.of("-of", "GTiff", "-a_srs",
                "+proj=utm +zone=50 +ellps=intl +units=m +no_defs", "-a_ullr", "0", "100", "83",
                "39"));

        // a GeoKeyDirectory holding more values than its header announces
        Path extra = tmp.resolve("extra-keys.tif");
        Files.copy(base, extra);
        int[] keys = TiffPatch.geoKeys(extra);
        TiffPatch.setGeoKey(extra, 3, keys[3] - 1);
        JsonNode pj = Gdal.srs(extra);
        try (GeoTiffReader r = GeoTiffReader.open(extra)) {
            assertThat(r.warnings()).singleElement().asString()
                    .contains("GeoKeyDirectory (tag 34735) has " + keys.length + " values");
            CrsAgreement.assertSame(r.info().geo().crs(), pj);
            assertThat(r.info().geo().geoTransform().orElseThrow())
                    .containsExactly(Gdal.geoTransform(Gdal.info(extra)), within(1e-9));
        }

        // keys out of order: the last two entries swapped
        Path shuffled = tmp.resolve("shuffled-keys.tif");
        Files.copy(base, shuffled);
        int n = keys[3];
        for (int k = 0; k < 4; k++) {
            TiffPatch.setGeoKey(shuffled, 4 * n + k, keys[4 * (n - 1) + k]);
            TiffPatch.setGeoKey(shuffled, 4 * (n - 1) + k, keys[4 * n + k]);
        }
        CrsAgreement.assertSame(GeoTiffReader.info(shuffled).geo().crs(), Gdal.srs(shuffled));
        assertThat(GeoTiffReader.info(shuffled).geo().crs())
                .isEqualTo(GeoTiffReader.info(base).geo().crs());

        // PixelIsPoint: GDAL shifts the tie point by half a pixel
        Path point = tmp.resolve("point.tif");
        Gdal.translate(source(SampleType.UINT8, 1), point, List.of("-of", "GTiff", "-a_srs",
                "EPSG:32650", "-a_ullr", "500000", "3400000", "500083", "3399939", "-mo",
                "AREA_OR_POINT=Point"));
        GeoReference g = GeoTiffReader.info(point).geo();
        assertThat(g.isPixelIsPoint()).isTrue();
        assertThat(g.geoTransform().orElseThrow())
                .containsExactly(Gdal.geoTransform(Gdal.info(point)), within(1e-9));

        // a rotated geotransform: GDAL writes a ModelTransformation
        Path vrt = tmp.resolve("rotated.vrt");
        Files.writeString(vrt, "<VRTDataset rasterXSize=\"" + W + "\" rasterYSize=\"" + H + "\">"
                + "<SRS>EPSG:32650</SRS><GeoTransform>500000, 0.8, 0.1, 3400000, 0.1, -0.8"
                + "</GeoTransform><VRTRasterBand dataType=\"Byte\" band=\"1\"><SimpleSource>"
                + "<SourceFilename relativeToVRT=\"1\">src-UINT8-1.raw</SourceFilename>"
                + "<SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>");
        Path rotated = tmp.resolve("rotated.tif");
        Gdal.translate(vrt, rotated, List.of("-of", "GTiff"));
        GeoReference rg = GeoTiffReader.info(rotated).geo();
        assertThat(rg.transformation()).hasSize(16);
        assertThat(rg.geoTransform().orElseThrow())
                .containsExactly(Gdal.geoTransform(Gdal.info(rotated)), within(1e-9));

        // a zero pixel scale: a one-line error naming the file
        Path zero = tmp.resolve("zero-scale.tif");
        Files.copy(base, zero);
        TiffPatch.zeroPixelScale(zero);
        assertThatThrownBy(() -> GeoTiffReader.open(zero))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(zero + ": georeferencing has a tie point but a zero "
                        + "ModelPixelScale")
                .hasMessageContaining("gdal_edit.py -tr");
    }
}
