package io.fadconv.data.raster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of file we write, opened by GDAL (what QGIS uses): the same CRS, geotransform,
 * nodata and colour table in {@code gdalinfo -json}, the same values from
 * {@code gdallocationinfo}. GDAL's tools are required (see {@link Gdal}).
 */
class GdalCrossCheckTest {

    @TempDir Path tmp;

    @BeforeAll
    static void needsGdal() {
        Gdal.require();
    }

    static String run(String... cmd) throws IOException {
        return Gdal.run(cmd);
    }

    @Test
    void gdalReadsOurMultibandSceneWithItsGeoreferencing() throws IOException {
        int w = 70;
        int h = 45;
        float[] data = JdkTiffs.randomData(SampleType.UINT16, 4, w, h, 3);
        Path f = tmp.resolve("scene.tif");
        GeoTiffWriter.write(f, RasterSpec.of(w, h, 4, SampleType.UINT16).withTileSize(32)
                .withGeo(GeoTiffWriterTest.UTM).withNodata(0), data);
        JsonNode j = Json.MAPPER.readTree(run("gdalinfo", "-json", f.toString()));
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
        JsonNode j = Json.MAPPER.readTree(run("gdalinfo", "-json", f.toString()));
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

    /** Checks a file of ours against gdalinfo and gdallocationinfo at a few pixels. */
    static JsonNode agreeWithGdal(Path f) throws IOException {
        JsonNode j = Gdal.info(f);
        try (GeoTiffReader r = GeoTiffReader.open(f)) {
            RasterInfo info = r.info();
            assertThat(j.get("size").get(0).asInt()).isEqualTo(info.width());
            assertThat(j.get("size").get(1).asInt()).isEqualTo(info.height());
            assertThat(j.get("bands")).hasSize(info.bands());
            if (info.geo().geoTransform().isPresent()) {
                assertThat(Gdal.geoTransform(j)).containsExactly(
                        info.geo().geoTransform().get(), org.assertj.core.data.Offset.offset(1e-9));
                CrsAgreement.assertSame(info.geo().crs(), Gdal.srs(f));
            }
            for (JsonNode b : j.get("bands")) {
                assertThat(b.get("type").asText()).isEqualTo(info.sampleType().gdalName());
                if (info.nodata().isPresent()) {
                    assertThat(b.get("noDataValue").asDouble())
                            .isEqualTo(info.nodata().getAsDouble());
                } else {
                    assertThat(b.has("noDataValue")).isFalse();
                }
            }
            if (info.colorMap() != null) {
                JsonNode entries = j.get("bands").get(0).get("colorTable").get("entries");
                for (int v = 0; v < 256; v++) {
                    int c = info.colorMap().rgb(v);
                    // GDAL shows the nodata entry as transparent
                    int alpha = info.nodata().isPresent() && info.nodata().getAsDouble() == v ? 0
                            : 255;
                    assertThat(entries.get(v).toString()).as("colour %d", v).isEqualTo("["
                            + (c >> 16 & 0xFF) + "," + (c >> 8 & 0xFF) + "," + (c & 0xFF) + ","
                            + alpha + "]");
                }
            }
            java.util.Random rnd = new java.util.Random(f.toString().length());
            for (int k = 0; k < 4; k++) {
                int x = rnd.nextInt(info.width());
                int y = rnd.nextInt(info.height());
                float[] ours = r.readWindow(new Window(x, y, 1, 1));
                double[] theirs = Gdal.valuesAt(f, x, y);
                for (int b = 0; b < ours.length; b++) {
                    assertThat((double) ours[b]).as("%s (%d, %d) band %d", f, x, y, b)
                            .isEqualTo(theirs[b]);
                }
            }
        }
        return j;
    }

    /** Scenes, GID colour labels, change masks and Hi-CNA tiles from {@code fadconv synth}. */
    @Test
    void gdalReadsTheSyntheticDataset() throws IOException {
        Path out = tmp.resolve("synth");
        io.fadconv.data.SyntheticDataset.generate(out, io.fadconv.data.SyntheticConfig.demo(2)
                .withTile(64).withScenes(1, 128), false, 1, s -> { });
        List<Path> files;
        try (var s = java.nio.file.Files.walk(out)) {
            files = s.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(4);
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (Path f : files.subList(0, Math.min(files.size(), 8))) {
            agreeWithGdal(f);
            kinds.add(out.relativize(f).getName(0) + "/" + f.getParent().getFileName());
        }
        assertThat(kinds).contains("change/change", "gid/image", "gid/label");
    }

    /** A change map with its colour table, written by the CNA detector from two label maps. */
    @Test
    void gdalReadsOurChangeMap() throws IOException {
        Path out = tmp.resolve("synth");
        io.fadconv.data.SyntheticDataset.generate(out, io.fadconv.data.SyntheticConfig.demo(3)
                .withTile(64).withScenes(1, 128).withParts(java.util.EnumSet.of(
                        io.fadconv.data.SyntheticConfig.Part.GID,
                        io.fadconv.data.SyntheticConfig.Part.GID_T2)), false, 1, s -> { });
        Path change = tmp.resolve("change.tif");
        new io.fadconv.infer.CnaDetector(io.fadconv.data.ClassScheme.GID,
                io.fadconv.infer.CnaOptions.defaults()).detect(
                out.resolve("gid/label/scene_000_label.tif"),
                out.resolve("gid-t2/label/scene_000_label.tif"), java.util.Optional.empty(),
                change, java.util.Map.of(), io.fadconv.infer.ProgressListener.NONE);
        JsonNode j = agreeWithGdal(change);
        assertThat(j.get("bands").get(0).get("colorInterpretation").asText()).isEqualTo("Palette");
    }

    /** Predictor 2 (an option) and a BigTIFF (forced by a small threshold): GDAL reads both. */
    @Test
    void gdalReadsOurPredictorAndBigTiffFiles() throws IOException {
        int w = 70;
        int h = 45;
        float[] data = JdkTiffs.randomData(SampleType.UINT16, 3, w, h, 9);
        RasterSpec spec = RasterSpec.of(w, h, 3, SampleType.UINT16).withTileSize(32)
                .withGeo(GeoTiffWriterTest.UTM).withNodata(0);
        Path pred = tmp.resolve("predictor2.tif");
        GeoTiffWriter.write(pred, spec.withPredictor(2), data);
        JsonNode j = agreeWithGdal(pred);
        assertThat(j.get("metadata").get("IMAGE_STRUCTURE").get("PREDICTOR").asText())
                .isEqualTo("2");
        assertThat(Gdal.pixels(pred, SampleType.UINT16, tmp)).containsExactly(data);

        assertThat(GeoTiffWriter.needsBigTiff(spec, GeoTiffWriter.CLASSIC_LIMIT)).isFalse();
        assertThat(GeoTiffWriter.needsBigTiff(RasterSpec.of(40000, 40000, 4, SampleType.UINT16),
                GeoTiffWriter.CLASSIC_LIMIT)).isTrue(); // 12.8 GB uncompressed
        assertThat(GeoTiffWriter.needsBigTiff(RasterSpec.of(30000, 30000, 2, SampleType.UINT16),
                GeoTiffWriter.CLASSIC_LIMIT)).isFalse(); // 3.6 GB
        Path big = tmp.resolve("big.tif");
        try (GeoTiffWriter wr = GeoTiffWriter.create(big, spec, 10_000)) {
            assertThat(wr.bigTiff()).isTrue();
            wr.writeWindow(Window.full(w, h), data);
            wr.commit();
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(big)) {
            assertThat(TiffDirectory.read(ch).bigTiff()).isTrue();
        }
        assertThat(Gdal.run("gdalinfo", big.toString())).contains("Driver: GTiff");
        agreeWithGdal(big);
        assertThat(Gdal.pixels(big, SampleType.UINT16, tmp)).containsExactly(data);
        try (GeoTiffReader r = GeoTiffReader.open(big)) {
            assertThat(r.info().bigTiff()).isTrue();
            assertThat(r.readWindow(r.info().extent())).containsExactly(data);
        }
    }
}
