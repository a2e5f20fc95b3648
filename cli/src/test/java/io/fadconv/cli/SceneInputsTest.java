package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.Normalization;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real scenes into a trained run: a scene stored as uint8 and one with shuffled bands are
 * flagged against the run's normalisation; {@code --bands} puts the shuffled bands back, and its
 * map then equals the original's.
 */
class SceneInputsTest {

    @TempDir static Path tmp;
    static Path scene;
    static Path run;
    static float[] pixels;
    static RasterInfo info;

    @BeforeAll
    static void setUp() throws Exception {
        Path data = tmp.resolve("synth");
        SyntheticDataset.generate(data, SyntheticConfig.demo(7).withTile(64).withScenes(1, 128)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID)), false, 1, s -> { });
        scene = data.resolve("gid/image/scene_000.tif");
        try (GeoTiffReader r = GeoTiffReader.open(scene)) {
            info = r.info();
            pixels = r.readWindow(info.extent());
        }
        // The run's normalisation: the statistics of the scene it "trained" on, computed here
        // directly from the pixels (nodata 0 left out).
        int n = info.width() * info.height();
        double[] mean = new double[4];
        double[] std = new double[4];
        for (int b = 0; b < 4; b++) {
            double s = 0;
            double q = 0;
            int k = 0;
            for (int i = b * n; i < (b + 1) * n; i++) {
                if (pixels[i] != 0) {
                    s += pixels[i];
                    q += (double) pixels[i] * pixels[i];
                    k++;
                }
            }
            mean[b] = s / k;
            std[b] = Math.sqrt(q / k - mean[b] * mean[b]);
        }
        run = tmp.resolve("runs/tiny");
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "static", 4, 6);
        RunFolder folder = new RunFolder(run);
        Files.createDirectories(run);
        SegmentationModel model = Models.create(spec);
        try (NDManager m = Djl.engine().newBaseManager()) {
            Djl.seed(3);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 4, 64, 64));
            model.save(folder.bestWeights());
        }
        new RunInfo(spec, "synthetic", ClassScheme.GID, 0).save(folder.info());
        new Normalization(new int[] {0, 1, 2, 3}, mean, std).save(folder.normalization());
    }

    static Path variant(String name, SampleType type, int[] order, float scale) throws Exception {
        int n = info.width() * info.height();
        float[] v = new float[order.length * n];
        for (int b = 0; b < order.length; b++) {
            for (int i = 0; i < n; i++) {
                v[b * n + i] = Math.round(pixels[order[b] * n + i] * scale);
            }
        }
        Path f = tmp.resolve(name + ".tif");
        GeoTiffWriter.write(f, RasterSpec.of(info.width(), info.height(), order.length, type)
                .withGeo(info.geo()).withNodata(0), v);
        return f;
    }

    static CliRun predict(Path in, Path out, String... extra) {
        String[] base = {"predict", "--run", run.toString(), "--in", in.toString(), "--out",
            out.toString(), "--window", "128", "--margin", "32", "--no-preview"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    static int[] classes(Path map) throws Exception {
        try (GeoTiffReader r = GeoTiffReader.open(map)) {
            return r.readWindowInts(r.info().extent());
        }
    }

    @Test
    void theTrainingLikeSceneGivesNoWarning() {
        CliRun r = predict(scene, tmp.resolve("orig.tif"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning").doesNotContain("note");
    }

    @Test
    void aSceneStoredAsUint8IsFlaggedAndStrictRefusesIt() throws Exception {
        Path u8 = variant("uint8", SampleType.UINT8, new int[] {0, 1, 2, 3}, 0.25f);
        CliRun r = predict(u8, tmp.resolve("u8.tif"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).startsWith("fadconv: warning: " + u8 + ": its band statistics lie far "
                + "from the run's training normalisation: band 1 mean")
                .contains("Likely cause: another bit depth or radiometric scaling (the scene "
                        + "holds Byte values, all bands lower than in training)");
        CliRun strict = predict(u8, tmp.resolve("u8-strict.tif"), "--strict");
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.err().lines()).hasSize(1);
        assertThat(strict.err()).startsWith("fadconv: error: " + u8 + ": its band statistics lie far")
                .contains("(refused by --strict");
        assertThat(tmp.resolve("u8-strict.tif")).doesNotExist();
    }

    @Test
    void shuffledBandsAreFlaggedAndBandsPutsThemBack() throws Exception {
        Path orig = tmp.resolve("orig-map.tif");
        assertThat(predict(scene, orig).code()).isZero();
        // stored red, green, blue, NIR instead of blue, green, red, NIR
        Path shuffled = variant("shuffled", SampleType.UINT16, new int[] {3, 2, 1, 0}, 1);
        CliRun r = predict(shuffled, tmp.resolve("shuffled-map.tif"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).startsWith("fadconv: warning: " + shuffled + ": its band statistics lie far")
                .contains("Likely cause: another band order: the scene's bands [4,3,2,1] match "
                        + "the run's inputs best (try --bands 4,3,2,1)");
        Path fixed = tmp.resolve("fixed-map.tif");
        CliRun f = predict(shuffled, fixed, "--bands", "4,3,2,1");
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(f.err()).doesNotContain("warning");
        assertThat(f.out()).contains("bands [4, 3, 2, 1] (1-based)");
        assertThat(classes(fixed)).containsExactly(classes(orig));
        assertThat(classes(tmp.resolve("shuffled-map.tif"))).isNotEqualTo(classes(orig));
    }

    @Test
    void extraBandsGetANoteAndBadBandListsAreOneLineErrors() throws Exception {
        Path six = variant("six", SampleType.UINT16, new int[] {0, 1, 2, 3, 0, 1}, 1);
        CliRun r = predict(six, tmp.resolve("six-map.tif"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("fadconv: note: " + six + ": the scene has 6 bands; the "
                + "run reads 4 of them, bands [1, 2, 3, 4] (1-based) as its inputs 1..4 (choose "
                + "others with --bands)" + System.lineSeparator());
        CliRun three = predict(six, tmp.resolve("x.tif"), "--bands", "1,2,3");
        assertThat(three.code()).isEqualTo(1);
        assertThat(three.err()).isEqualTo("fadconv: error: --bands lists 3 band(s) but the run "
                + "reads 4 input bands (its normalization.json); give one scene band per input, "
                + "e.g. --bands 1,2,3,4" + System.lineSeparator());
        CliRun zero = predict(six, tmp.resolve("x.tif"), "--bands", "0,1,2,3");
        assertThat(zero.err()).isEqualTo("fadconv: error: --bands are 1-based, got 0"
                + System.lineSeparator());
    }
}
