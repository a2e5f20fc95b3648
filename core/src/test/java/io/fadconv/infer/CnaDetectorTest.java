package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.Gid;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CNA detection on the synthetic bi-temporal pairs (whose true change masks the generator writes
 * independently: period-1 farmland that is not farmland in period 2) and on hand-made maps.
 */
class CnaDetectorTest {

    static final int SIZE = 320;

    @TempDir static Path tmp;
    static Path data;
    static Path t1;
    static Path t2;
    static Path truth;

    @BeforeAll
    static void generate() throws Exception {
        data = tmp.resolve("synth");
        SyntheticDataset.generate(data, SyntheticConfig.demo(5).withScenes(1, SIZE).withTile(64)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID, SyntheticConfig.Part.GID_T2,
                        SyntheticConfig.Part.CHANGE)), false, 1, s -> { });
        t1 = data.resolve("gid/label/scene_000_label.tif");
        t2 = data.resolve("gid-t2/label/scene_000_label.tif");
        truth = data.resolve("change/scene_000.tif");
    }

    static int[] gidLabels(Path f) throws Exception {
        try (RasterReader r = RasterReader.open(f)) {
            return Gid.LABELS.decode(r, r.info().extent());
        }
    }

    static int[] ints(Path f) throws Exception {
        try (RasterReader r = RasterReader.open(f)) {
            return r.readWindowInts(r.info().extent());
        }
    }

    @Test
    void theTrueLabelMapsReproduceTheTrueChangeMaskExactly() throws Exception {
        Path out = tmp.resolve("true/change.tif");
        AreaStatistics s = new CnaDetector(ClassScheme.GID, CnaOptions.defaults())
                .detect(t1, t2, Optional.of(truth), out, Map.of(), ProgressListener.NONE);
        long lost = Json.MAPPER.readTree(data.resolve("synthetic.json").toFile())
                .get("croplandLossPixels").asLong();
        assertThat(lost).isPositive();
        ChangeMetrics m = s.metrics();
        assertThat(m.truePositives()).isEqualTo(lost);
        assertThat(m.falsePositives()).isZero();
        assertThat(m.falseNegatives()).isZero();
        assertThat(m.precision()).isEqualTo(1);
        assertThat(m.recall()).isEqualTo(1);
        assertThat(m.f1()).isEqualTo(1);
        assertThat(m.iou()).isEqualTo(1);
        assertThat(s.lossPixels()).isEqualTo(lost);
        assertThat(s.hectares(lost)).isCloseTo(lost * 0.8 * 0.8 / 10_000, Offset.offset(1e-9));

        // Every code against counts made here from the decoded labels.
        int[] a = gidLabels(t1);
        int[] b = gidLabels(t2);
        int[] map = ints(out);
        int[] trueMask = ints(truth);
        long[] perCode = new long[7];
        long gain = 0;
        for (int i = 0; i < a.length; i++) {
            int expected = a[i] != 2 ? 0 : b[i] == 2 ? 1 : 2 + (b[i] < 2 ? b[i] : b[i] - 1);
            assertThat(map[i]).as("pixel %d", i).isEqualTo(expected);
            assertThat(map[i] >= 2 ? 1 : 0).isEqualTo(trueMask[i]);
            perCode[expected]++;
            gain += a[i] != 2 && b[i] == 2 ? 1 : 0;
        }
        assertThat(s.pixels()).containsExactly(perCode);
        assertThat(s.gainPixels()).isEqualTo(gain);
        assertThat(s.croplandBefore()).isEqualTo(perCode[1] + lost);
        RasterInfo info = GeoTiffReader.info(out);
        assertThat(info.geo()).isEqualTo(GeoTiffReader.info(t1).geo());
        assertThat(info.colorMap()).isEqualTo(ColorMap.of(s.codes().colors()));
        assertThat(info.nodata()).hasValue(255);
    }

    /** Period-2 labels with 3% of pixels set to random classes: many small loss patches. */
    static Path noisyAfter() throws Exception {
        Path noisy = tmp.resolve("mmu/noisy_t2.tif");
        if (!Files.exists(noisy)) {
            int[] b = gidLabels(t2);
            byte[] v = new byte[b.length];
            java.util.Random r = new java.util.Random(3);
            for (int i = 0; i < b.length; i++) {
                v[i] = (byte) (r.nextDouble() < 0.03 ? r.nextInt(6) : b[i]);
            }
            GeoTiffWriter.write(noisy, RasterSpec.of(SIZE, SIZE, 1, SampleType.UINT8)
                    .withGeo(GeoTiffReader.info(t2).geo()).withTileSize(64), v);
        }
        return noisy;
    }

    @Test
    void theMinimumMappingUnitDropsExactlyTheSmallPatches() throws Exception {
        Path after = noisyAfter();
        Path full = tmp.resolve("mmu/full.tif");
        AreaStatistics noisy = new CnaDetector(ClassScheme.GID, CnaOptions.defaults())
                .detect(t1, after, Optional.of(truth), full, Map.of(), ProgressListener.NONE);
        assertThat(noisy.metrics().falsePositives()).as("noise specks are false losses")
                .isPositive();
        int[] unsieved = ints(full);
        byte[] loss = new byte[unsieved.length];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = (byte) (unsieved[i] >= 2 ? 1 : 0);
        }
        for (PatchSieve.Connectivity c : PatchSieve.Connectivity.values()) {
            int min = 50;
            Path out = tmp.resolve("mmu/" + c + ".tif");
            AreaStatistics s = new CnaDetector(ClassScheme.GID, CnaOptions.defaults()
                    .withMinPatch(min, c)).detect(t1, after, Optional.of(truth), out, Map.of(),
                    ProgressListener.NONE);
            PatchSieveTest.Reference ref = PatchSieveTest.Reference.of(loss, SIZE, SIZE,
                    c == PatchSieve.Connectivity.EIGHT, min);
            assertThat(ref.removedPatches()).as("the test needs small patches").isGreaterThan(50);
            assertThat(ref.patches() - ref.removedPatches()).as("and large ones").isPositive();
            int[] sieved = ints(out);
            for (int i = 0; i < sieved.length; i++) {
                int expected = loss[i] == 1 && ref.sieved()[i] == 0 ? 0 : unsieved[i];
                assertThat(sieved[i]).as("%s pixel %d", c, i).isEqualTo(expected);
            }
            assertThat(s.sieve().patches()).isEqualTo(ref.patches());
            assertThat(s.sieve().removedPatches()).isEqualTo(ref.removedPatches());
            assertThat(s.sieve().removedPixels()).isEqualTo(ref.removedPixels());
            long kept = 0;
            long tp = 0;
            long fp = 0;
            long fn = 0;
            int[] real = ints(truth);
            for (int i = 0; i < sieved.length; i++) {
                boolean detected = sieved[i] >= 2;
                kept += detected ? 1 : 0;
                tp += detected && real[i] == 1 ? 1 : 0;
                fp += detected && real[i] == 0 ? 1 : 0;
                fn += !detected && real[i] == 1 ? 1 : 0;
            }
            assertThat(s.lossPixels()).isEqualTo(kept);
            assertThat(s.metrics().truePositives()).isEqualTo(tp);
            assertThat(s.metrics().falsePositives()).isEqualTo(fp);
            assertThat(s.metrics().falseNegatives()).isEqualTo(fn).isPositive();
            assertThat(s.metrics().f1()).isCloseTo(2.0 * tp / (2 * tp + fp + fn),
                    Offset.offset(1e-12));
        }
    }

    /** Class-id maps of 4 x 3 with nodata 255 and no georeferencing; counts done by hand. */
    @Test
    void handMadeMapsGiveHandCountedAreas() throws Exception {
        Path a = tmp.resolve("hand/a.tif");
        Path b = tmp.resolve("hand/b.tif");
        RasterSpec spec = RasterSpec.of(4, 3, 1, SampleType.UINT8).withNodata(255).withTileSize(16);
        GeoTiffWriter.write(a, spec, new byte[] {2, 2, 2, 2, 2, 2, 0, 1, (byte) 255, 2, 3, 3});
        GeoTiffWriter.write(b, spec, new byte[] {2, 1, 1, 3, 5, 0, 2, 1, 2, (byte) 255, 2, 3});
        // codes: 1 3 3 4 6 2 0 0 255 255 0 0 -> stable 1, built-up 2, forest 1, water 1, other 1;
        // t1 cropland where both valid: 6; t2 cropland: 1 + 2 (gains at 6 and 10) = 3.
        AreaStatistics s = new CnaDetector(ClassScheme.GID, CnaOptions.defaults()
                .withPixelSize(10)).detect(a, b, Optional.empty(), tmp.resolve("hand/c.tif"),
                Map.of("run", "runs/x"), ProgressListener.NONE);
        assertThat(s.pixels()).containsExactly(4, 1, 1, 2, 1, 0, 1);
        assertThat(s.nodataPixels()).isEqualTo(2);
        assertThat(s.croplandBefore()).isEqualTo(6);
        assertThat(s.croplandAfter()).isEqualTo(3);
        assertThat(s.gainPixels()).isEqualTo(2);
        assertThat(s.lossPixels()).isEqualTo(5);
        assertThat(s.toCsv()).isEqualTo("""
                category,code,pixels,hectares,percent_of_cropland_t1
                farmland at t1,,6,0.0600,100.000
                farmland at t2,,3,0.0300,50.000
                stable farmland,1,1,0.0100,16.667
                farmland loss (all),,5,0.0500,83.333
                farmland -> other/unlabeled,2,1,0.0100,16.667
                farmland -> built-up,3,2,0.0200,33.333
                farmland -> forest,4,1,0.0100,16.667
                farmland -> meadow,5,0,0.0000,0.000
                farmland -> water,6,1,0.0100,16.667
                farmland gain,,2,0.0200,33.333
                removed by minimum mapping unit,,0,0.0000,0.000
                no data,255,2,0.0200,33.333
                """);
        JsonNode j = Json.MAPPER.readTree(s.toJson());
        assertThat(j.get("inputs").get("run").asText()).isEqualTo("runs/x");
        assertThat(j.get("pixelAreaSquareMetres").asDouble()).isEqualTo(100);
        assertThat(j.get("croplandLoss").get("hectares").asDouble()).isEqualTo(0.05);
        assertThat(j.get("lossByNewClass").get(1).get("to").asText()).isEqualTo("built-up");
        assertThat(j.get("lossByNewClass").get(1).get("pixels").asLong()).isEqualTo(2);
        assertThat(j.has("evaluation")).isFalse();
        assertThatThrownBy(() -> new CnaDetector(ClassScheme.GID, CnaOptions.defaults())
                .detect(a, b, Optional.empty(), tmp.resolve("hand/d.tif"), Map.of(),
                        ProgressListener.NONE))
                .hasMessageContaining("has no georeferencing");
        assertThat(tmp.resolve("hand/d.tif")).doesNotExist();
    }

    /**
     * The CSV quotes a category only when RFC 4180 needs it: class names with a comma or a
     * quote (doubled inside the quotes); plain ones stay bare.
     */
    @Test
    void csvCategoriesAreQuotedOnlyWhenTheyNeedIt() {
        ClassScheme odd = new ClassScheme(List.of("other", "rice \"paddy\"", "roads, rail"),
                new int[] {0, 0x00FF00, 0x808080}, 1);
        AreaStatistics s = new AreaStatistics(new ChangeCodes(odd), new PixelArea(100, "given"),
                new long[] {5, 2, 1, 2}, 0, 5, 3, 1,
                new AreaStatistics.Sieve(0, 8, 0, 0, 0), null, Map.of());
        assertThat(s.toCsv().lines()).containsSubsequence(
                "category,code,pixels,hectares,percent_of_cropland_t1",
                "\"rice \"\"paddy\"\" at t1\",,5,0.0500,100.000",
                "\"stable rice \"\"paddy\"\"\",1,2,0.0200,40.000",
                "\"rice \"\"paddy\"\" -> other\",2,1,0.0100,20.000",
                "\"rice \"\"paddy\"\" -> roads, rail\",3,2,0.0200,40.000",
                "removed by minimum mapping unit,,0,0.0000,0.000",
                "no data,255,0,0.0000,0.000");
    }

    /** Hi-CNA masks: 0/1 at t1, 0/255 at t2, no nodata value: 255 is cropland. */
    @Test
    void binaryMasksOfBothConventions() throws Exception {
        Path a = tmp.resolve("masks/a.tif");
        Path b = tmp.resolve("masks/b.tif");
        RasterSpec spec = RasterSpec.of(3, 2, 1, SampleType.UINT8).withTileSize(16);
        GeoTiffWriter.write(a, spec, new byte[] {1, 1, 1, 0, 0, 1});
        GeoTiffWriter.write(b, spec, new byte[] {(byte) 255, 0, 0, (byte) 255, 0, 0});
        AreaStatistics s = new CnaDetector(ClassScheme.HICNA, CnaOptions.defaults()
                .withPixelSize(1)).detect(a, b, Optional.empty(), tmp.resolve("masks/c.tif"),
                Map.of(), ProgressListener.NONE);
        assertThat(s.pixels()).containsExactly(2, 1, 3);
        assertThat(s.gainPixels()).isEqualTo(1);
        assertThat(ints(tmp.resolve("masks/c.tif"))).containsExactly(1, 2, 2, 0, 0, 2);
    }

    @Test
    void mapsOnDifferentGridsOrWithForeignValuesAreErrors() throws Exception {
        Path shifted = tmp.resolve("bad/shifted.tif");
        GeoReference g = GeoTiffReader.info(t1).geo().shifted(3, 0);
        GeoTiffWriter.write(shifted, RasterSpec.of(SIZE, SIZE, 1, SampleType.UINT8).withGeo(g),
                new byte[SIZE * SIZE]);
        CnaDetector d = new CnaDetector(ClassScheme.GID, CnaOptions.defaults());
        assertThatThrownBy(() -> d.detect(t1, shifted, Optional.empty(),
                tmp.resolve("bad/out.tif"), Map.of(), ProgressListener.NONE))
                .hasMessageContaining("3.000 x 0.000 pixels apart");
        Path foreign = tmp.resolve("bad/foreign.tif");
        byte[] v = new byte[SIZE * SIZE];
        v[5 * SIZE + 7] = 9;
        GeoTiffWriter.write(foreign, RasterSpec.of(SIZE, SIZE, 1, SampleType.UINT8)
                .withGeo(GeoTiffReader.info(t1).geo()), v);
        assertThatThrownBy(() -> d.detect(t1, foreign, Optional.empty(),
                tmp.resolve("bad/out.tif"), Map.of(), ProgressListener.NONE))
                .hasMessage(foreign + ": pixel (x=7, y=5) holds 9, which is not a class id of "
                        + "unlabeled/built-up/farmland/forest/meadow/water (0..5); is this a class "
                        + "map of these classes?");
        assertThat(Files.exists(tmp.resolve("bad/out.tif"))).isFalse();
    }
}
