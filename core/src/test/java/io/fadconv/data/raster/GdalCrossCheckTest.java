package io.fadconv.data.raster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files we write, opened by GDAL (what QGIS uses). Runs only where GDAL's command-line tools are
 * installed ({@code apt-get install gdal-bin}); skipped elsewhere.
 */
class GdalCrossCheckTest {

    @TempDir Path tmp;

    @BeforeAll
    static void needsGdal() {
        boolean found;
        try {
            found = run("gdalinfo", "--version").startsWith("GDAL");
        } catch (IOException | RuntimeException e) {
            found = false;
        }
        Assumptions.assumeTrue(found, "gdalinfo not installed");
    }

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void gdalReadsOurMultibandSceneWithItsGeoreferencing() throws IOException {
        int w = 70;
        int h = 45;
        float[] data = JdkTiffs.randomData(SampleType.UINT16, 4, w, h, 3);
        Path f = tmp.resolve("scene.tif");
        GeoTiffWriter.write(f, RasterSpec.of(w, h, 4, SampleType.UINT16).withTileSize(32)
                .withGeo(GeoTiffWriterTest.UTM).withNodata(0), data);
        JsonNode j = new ObjectMapper().readTree(run("gdalinfo", "-json", f.toString()));
        assertThat(j.get("size").get(0).asInt()).isEqualTo(w);
        assertThat(j.get("size").get(1).asInt()).isEqualTo(h);
        assertThat(j.get("bands")).hasSize(4);
        List<Double> gt = new ArrayList<>();
        j.get("geoTransform").forEach(v -> gt.add(v.asDouble()));
        assertThat(gt).containsExactly(500000.0, 0.8, 0.0, 3400000.0, 0.0, -0.8);
        assertThat(j.get("coordinateSystem").get("wkt").asText()).contains("ID[\"EPSG\",32650]]");
        assertThat(j.get("metadata").get("IMAGE_STRUCTURE").get("COMPRESSION").asText())
                .isEqualTo("DEFLATE");
        for (JsonNode b : j.get("bands")) {
            assertThat(b.get("type").asText()).isEqualTo("UInt16");
            assertThat(b.get("block").get(0).asInt()).isEqualTo(32);
            assertThat(b.get("noDataValue").asDouble()).isEqualTo(0.0);
        }
        int x = 61;
        int y = 40;
        String[] vals = run("gdallocationinfo", "-valonly", f.toString(), "" + x, "" + y)
                .strip().split("\\s+");
        for (int b = 0; b < 4; b++) {
            assertThat(Float.parseFloat(vals[b])).isEqualTo(data[b * w * h + y * w + x]);
        }
    }

    @Test
    void gdalReadsOurClassMapWithItsColourTableAndAShiftedWindowOrigin() throws IOException {
        GeoReference l7 = GeoTiffReader.info(GeoTiffReaderTest.fixture("L7_ETMs.tif")).geo();
        Path f = tmp.resolve("classes.tif");
        byte[] classes = new byte[50 * 30];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = (byte) (i % 6);
        }
        GeoTiffWriter.write(f, RasterSpec.of(50, 30, 1, SampleType.UINT8).withGeo(l7.shifted(100, 40))
                .withColorMap(ColorMap.of(0x000000, 0xFF0000, 0x00FF00)), classes);
        JsonNode j = new ObjectMapper().readTree(run("gdalinfo", "-json", f.toString()));
        assertThat(j.get("geoTransform").get(0).asDouble())
                .isCloseTo(288776.25 + 100 * 28.5, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(j.get("geoTransform").get(3).asDouble())
                .isCloseTo(9120760.75 - 40 * 28.5, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(j.get("coordinateSystem").get("wkt").asText()).contains("ID[\"EPSG\",31985]]");
        JsonNode band = j.get("bands").get(0);
        assertThat(band.get("colorInterpretation").asText()).isEqualTo("Palette");
        JsonNode entries = band.get("colorTable").get("entries");
        assertThat(entries.get(1).toString()).isEqualTo("[255,0,0,255]");
        assertThat(entries.get(2).toString()).isEqualTo("[0,255,0,255]");
        assertThat(run("gdallocationinfo", "-valonly", f.toString(), "7", "3").strip())
                .isEqualTo(String.valueOf((3 * 50 + 7) % 6));
    }
}
