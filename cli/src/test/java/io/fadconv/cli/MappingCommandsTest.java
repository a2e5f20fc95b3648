package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.Normalization;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.HeaderReads;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import io.fadconv.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict, cna and viz on a tiny synthetic pair with a tiny random-weight run. */
class MappingCommandsTest {

    @TempDir static Path tmp;
    static Path data;
    static Path run;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void setUp() throws Exception {
        data = tmp.resolve("synth");
        SyntheticDataset.generate(data, SyntheticConfig.demo(5).withTile(64).withScenes(1, 192)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID, SyntheticConfig.Part.GID_T2,
                        SyntheticConfig.Part.CHANGE)), false, 1, s -> { });
        run = tmp.resolve("runs/tiny");
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "fadconv:p=8", 4, 6);
        RunFolder folder = new RunFolder(run);
        Files.createDirectories(run);
        SegmentationModel model = Models.create(spec);
        try (NDManager m = Djl.engine().newBaseManager()) {
            Djl.seed(1);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 4, 64, 64));
            model.save(folder.bestWeights());
        }
        new RunInfo(spec, "synthetic", ClassScheme.GID, 0).save(folder.info());
        new Normalization(new int[] {0, 1, 2, 3}, new double[] {300, 300, 300, 400},
                new double[] {100, 100, 100, 150}).save(folder.normalization());
    }

    static Path scene(String period) {
        return data.resolve(period + "/image/scene_000.tif");
    }

    @Test
    void predictWritesAGeoreferencedClassMapAndAPreview() throws Exception {
        Path out = tmp.resolve("pred/classes.tif");
        CliRun r = run("predict", "--run", run.toString(), "--in", scene("gid").toString(), "--out",
                out.toString(), "--window", "128", "--margin", "32");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Run " + run + ": resnet18x0.25-unet fadconv:p=8, weights "
                + "best.params,")
                .contains("192 x 192, 9 windows of 128 x 128 (margin 32)")
                .contains("wrote " + out).contains("farmland");
        assertThat(GeoTiffReader.info(out).geo()).isEqualTo(GeoTiffReader.info(scene("gid")).geo());
        assertThat(tmp.resolve("pred/classes.png")).exists();
        Path dir = tmp.resolve("pred-dir");
        CliRun folder = run("predict", "--run", run.toString(), "--in",
                data.resolve("gid/image").toString(), "--out", dir.toString(), "--no-preview");
        assertThat(folder.code()).as(folder.err()).isZero();
        assertThat(dir.resolve("scene_000.tif")).exists();
        assertThat(dir.resolve("scene_000.png")).doesNotExist();
    }

    @Test
    void aSceneWithTheWrongBandCountIsAOneLineError() throws Exception {
        Path rgb = tmp.resolve("rgb.tif");
        GeoTiffWriter.write(rgb, RasterSpec.of(64, 64, 3, SampleType.UINT8), new float[3 * 64 * 64]);
        CliRun r = run("predict", "--run", run.toString(), "--in", rgb.toString(), "--out",
                tmp.resolve("x.tif").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("fadconv: error: " + rgb + ": has 3 band(s) but the run "
                + "reads bands [0, 1, 2, 3] (0-based, from its normalization.json), so it needs at "
                + "least 4" + System.lineSeparator());
        assertThat(r.out()).as("the error is said once, on stderr").doesNotContain("FAILED");
        assertThat(tmp.resolve("x.tif")).doesNotExist();
    }

    @Test
    void cnaFromScenesWritesMapsOverlayAndStatisticsWithTheEvaluation() throws Exception {
        Path out = tmp.resolve("cna-scenes");
        CliRun r = run("cna", "--run", run.toString(), "--before", scene("gid").toString(),
                "--after", scene("gid-t2").toString(), "--out", out.toString(), "--truth",
                data.resolve("change/scene_000.tif").toString(), "--mmu", "10", "--window", "128",
                "--margin", "32");
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"t1_classes.tif", "t2_classes.tif", "t1_classes.png",
            "t2_classes.png", "change.tif", "change.png", "statistics.json", "statistics.csv"}) {
            assertThat(out.resolve(f)).exists();
        }
        JsonNode j = Json.MAPPER.readTree(out.resolve("statistics.json").toFile());
        assertThat(j.get("inputs").get("run").asText()).isEqualTo(run.toString());
        assertThat(j.get("evaluation").has("f1")).isTrue();
        assertThat(j.get("minimumMappingUnit").get("pixels").asInt()).isEqualTo(10);
        assertThat(r.out()).contains("Against the truth: precision").contains("farmland loss");
    }

    /** A folder's scenes are all checked before any is mapped, and each header read once. */
    @Test
    void predictOnAFolderReadsEachScenesHeaderOnce() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("once-predict"));
        Path one = Files.copy(scene("gid"), folder.resolve("one.tif"));
        Path two = Files.copy(scene("gid-t2"), folder.resolve("two.tif"));
        try (HeaderReads reads = HeaderReads.count()) {
            CliRun r = run("predict", "--run", run.toString(), "--in", folder.toString(),
                    "--out", tmp.resolve("once-predict-maps").toString(), "--no-preview");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(reads.of(one)).as("headers of one.tif read").isEqualTo(1);
            assertThat(reads.of(two)).as("headers of two.tif read").isEqualTo(1);
        }
    }

    /** A pair is checked, mapped and drawn under the overlay with each header read once. */
    @Test
    void cnaOfOnePairReadsEachScenesHeaderOnce() throws Exception {
        try (HeaderReads reads = HeaderReads.count()) {
            CliRun r = run("cna", "--run", run.toString(), "--before", scene("gid").toString(),
                    "--after", scene("gid-t2").toString(), "--out",
                    tmp.resolve("once-cna").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(reads.of(scene("gid"))).as("headers of t1 read").isEqualTo(1);
            assertThat(reads.of(scene("gid-t2"))).as("headers of t2 read").isEqualTo(1);
        }
    }

    @Test
    void cnaFromTheTrueLabelMapsIsPerfect() {
        Path out = tmp.resolve("cna-maps");
        CliRun r = run("cna", "--before-map", data.resolve("gid/label/scene_000_label.tif")
                .toString(), "--after-map", data.resolve("gid-t2/label/scene_000_label.tif")
                .toString(), "--classes", "gid", "--image", scene("gid-t2").toString(),
                "--truth", data.resolve("change/scene_000.tif").toString(), "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Against the truth: precision 1.0000, recall 1.0000, "
                + "F1 1.0000, IoU 1.0000");
        assertThat(out.resolve("change.png")).exists();
    }

    @Test
    void cnaErrorsAreOneLine() throws Exception {
        Path shifted = tmp.resolve("shifted.tif");
        GeoTiffWriter.write(shifted, RasterSpec.of(192, 192, 1, SampleType.UINT8)
                .withGeo(GeoTiffReader.info(scene("gid")).geo().shifted(0, 2)), new byte[192 * 192]);
        CliRun r = run("cna", "--before-map", data.resolve("gid/label/scene_000_label.tif")
                .toString(), "--after-map", shifted.toString(), "--classes", "gid", "--out",
                tmp.resolve("bad").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("fadconv: error: " + shifted + " has its origin at")
                .contains("0.000 x 2.000 pixels apart");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(tmp.resolve("bad")).as("a failed cna leaves no --out folder").doesNotExist();
        CliRun noClasses = run("cna", "--before-map", shifted.toString(), "--after-map",
                shifted.toString(), "--out", tmp.resolve("bad").toString());
        assertThat(noClasses.err()).isEqualTo("fadconv: error: class maps need their classes: "
                + "--run runs/NAME or --classes gid|hicna" + System.lineSeparator());
        CliRun both = run("cna", "--before", "a.tif", "--after", "b.tif", "--before-map", "c.tif",
                "--after-map", "d.tif", "--out", "x");
        assertThat(both.code()).isEqualTo(2);
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    @Test
    void aFailedCnaLeavesAnExistingOutFolderAsItWas() throws Exception {
        Path out = tmp.resolve("cna-kept");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        CliRun r = run("cna", "--before-map", data.resolve("gid/label/scene_000_label.tif")
                .toString(), "--after-map", tmp.resolve("missing.tif").toString(), "--classes",
                "gid", "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("fadconv: error: file not found: "
                + tmp.resolve("missing.tif") + System.lineSeparator());
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
        Path nested = tmp.resolve("cna-new/a/b");
        CliRun degrees = run("cna", "--before-map", data.resolve("gid/label/scene_000_label.tif")
                .toString(), "--after-map", tmp.resolve("missing.tif").toString(), "--classes",
                "gid", "--out", nested.toString());
        assertThat(degrees.code()).isEqualTo(1);
        assertThat(tmp.resolve("cna-new")).as("parents it created go too").doesNotExist();
    }

    @Test
    void debugAfterTheCommandNamePrintsTheTrace() {
        String missing = tmp.resolve("none.tif").toString();
        for (String[] args : new String[][] {{"--debug", "info", missing},
            {"info", "--debug", missing}}) {
            CliRun r = run(args);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args))
                    .startsWith("fadconv: error: file not found: " + missing)
                    .contains("NoSuchFileException").contains("\tat io.fadconv.");
        }
        assertThat(run("info", missing).err().lines()).hasSize(1);
    }

    @Test
    void aFolderWhereAFileIsExpectedIsSaidToBeAFolder() throws Exception {
        Path folder = tmp.resolve("folder.tif");
        Files.createDirectories(folder);
        CliRun info = run("info", folder.toString());
        assertThat(info.err()).isEqualTo("fadconv: error: " + folder + ": is a folder, where a "
                + "file is expected" + System.lineSeparator());
        CliRun cna = run("cna", "--before-map", folder.toString(), "--after-map",
                folder.toString(), "--classes", "gid", "--out", tmp.resolve("x").toString());
        assertThat(cna.err()).isEqualTo(info.err());
        CliRun config = run("train", "--config", tmp.toString(), "--out",
                tmp.resolve("r").toString());
        assertThat(config.err()).startsWith("fadconv: error: " + tmp + ": is a folder;");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void aTruncatedWeightsFileIsNamedAndPredictSaysWhichWeightsItUses() throws Exception {
        Path broken = tmp.resolve("runs/broken");
        RunFolder from = new RunFolder(run);
        RunFolder to = new RunFolder(broken);
        Files.createDirectories(broken);
        Files.copy(from.info(), to.info());
        Files.copy(from.normalization(), to.normalization());
        byte[] w = Files.readAllBytes(from.bestWeights());
        Files.write(to.bestWeights(), java.util.Arrays.copyOf(w, w.length / 2));
        Path out = tmp.resolve("broken.tif");
        CliRun r = run("predict", "--run", broken.toString(), "--in", scene("gid").toString(),
                "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("fadconv: error: " + to.bestWeights() + ": truncated or "
                + "corrupt weights file (it ends before all parameters are read); copy it again "
                + "or train again" + System.lineSeparator());
        Files.move(to.bestWeights(), to.lastWeights());
        Files.copy(from.bestWeights(), to.lastWeights(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliRun last = run("predict", "--run", broken.toString(), "--in", scene("gid").toString(),
                "--out", out.toString(), "--no-preview");
        assertThat(last.code()).as(last.err()).isZero();
        assertThat(last.out()).contains(", weights last.params,");
    }

    @Test
    void vizRefusesAnOutputThatIsNotPng() {
        Path tif = tmp.resolve("fig/a.tif");
        CliRun a = run("viz", "attention", "--run", run.toString(), "--image",
                scene("gid").toString(), "--out", tif.toString());
        assertThat(a.err()).isEqualTo("fadconv: error: --out " + tif + " must be a .png file "
                + "(PNG is what is written)" + System.lineSeparator());
        CliRun c = run("viz", "compare", "--runs", run.toString(), "--tiles",
                scene("gid").toString(), "--out", tif.toString());
        assertThat(c.err()).isEqualTo(a.err());
        assertThat(tif).doesNotExist();
    }

    @Test
    void vizWritesBothFigures() {
        Path fig2 = tmp.resolve("fig/attention.png");
        CliRun a = run("viz", "attention", "--run", run.toString(), "--image",
                scene("gid").toString(), "--channel", "0,3", "--out", fig2.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(fig2).exists();
        Path fig4 = tmp.resolve("fig/compare.png");
        CliRun c = run("viz", "compare", "--runs", run + "," + run, "--tiles",
                scene("gid") + "," + scene("gid-t2"), "--out", fig4.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(fig4).exists();
        CliRun bad = run("viz", "attention", "--run", run.toString(), "--image",
                scene("gid").toString(), "--layer", "layer9", "--out", fig2.toString());
        assertThat(bad.err()).startsWith("fadconv: error: unknown layer 'layer9'");
    }
}
