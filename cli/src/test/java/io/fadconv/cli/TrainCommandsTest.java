package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.train.TrainConfig;
import io.fadconv.util.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fadconv train}, {@code eval}, {@code experiment} on a tiny synthetic dataset. */
class TrainCommandsTest {

    @TempDir
    static Path tmp;

    static Path data;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void makeData() throws IOException {
        data = tmp.resolve("synthetic");
        SyntheticDataset.generate(data, SyntheticConfig.demo(2).withTile(64).withScenes(1, 256)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID, SyntheticConfig.Part.HICNA)),
                false, 2, line -> { });
    }

    private static List<String> tiny(String... more) {
        List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--dataset",
                "synthetic-hicna", "--model", "resnet18x0.25-unet", "--tile", "64", "--batch",
                "4", "--epochs", "1", "--train-tiles", "8", "--val-tiles", "4", "--norm-samples",
                "8", "--lr", "3e-3"));
        a.addAll(List.of(more));
        return a;
    }

    private static CliRun run(List<String> args, String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(args);
        return run(all.toArray(String[]::new));
    }

    @Test
    void trainThenEvaluateThenResume() throws IOException {
        Path out = tmp.resolve("runs/f");
        CliRun t = run(tiny("--conv", "fadconv:k=2,p=8", "--out", out.toString()), "train");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("Training resnet18x0.25-unet conv=fadconv:k=2,p=8")
                .contains("epoch 1/1  train loss").contains("Done: 1 epochs")
                .contains("fadconv eval --run");
        assertThat(t.err()).contains("epoch 1/1").contains("tiles")
                .as("off a terminal: plain lines, no bar").doesNotContain("\r");
        for (String f : List.of("config.json", "run.json", "split.json", "normalization.json",
                "last.params", "checkpoint.ckpt", "metrics.csv", "metrics.json")) {
            assertThat(out.resolve(f)).isRegularFile();
        }

        CliRun e = run("eval", "--run", out.toString(), "--split", "test");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).containsPattern("Model +OA +Acc +P +R +F1 +IoU")
                .containsPattern("f +\\d+\\.\\d +\\d+\\.\\d").contains("cropland *")
                .contains("eval-test.json");
        assertThat(Files.readString(out.resolve("eval-test.json"))).contains("\"confusion\"");

        CliRun again = run(tiny("--conv", "fadconv:k=2,p=8", "--out", out.toString()), "train");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err().strip()).doesNotContain("\n").contains("--resume");
        CliRun resume = run(tiny("--conv", "fadconv:k=2,p=8", "--out", out.toString(),
                "--resume"), "train");
        assertThat(resume.code()).isZero();
        assertThat(resume.out()).contains("Nothing to do");
        CliRun other = run(tiny("--conv", "fadconv:k=2,p=8", "--out", out.toString(), "--resume",
                "--seed", "5"), "train");
        assertThat(other.code()).isEqualTo(1);
        assertThat(other.err()).contains("another config").contains("seed 0 vs 5");
    }

    /**
     * README: the settings are layers, each overriding the one before: the defaults, the
     * dataset's preset, the config file, --preset, the options given. Checked on what the run
     * records (config.json), against the documented values of the presets.
     */
    @Test
    void eachSettingsLayerOverridesTheOneBefore() throws IOException {
        Path file = tmp.resolve("layers.json");
        Files.writeString(file, """
                {"data": "%s", "dataset": "synthetic-hicna", "model": "resnet18x0.25-unet",
                 "conv": "fadconv:k=2,p=8", "lr": 0.005, "weightDecay": 0.01, "loss": "bce",
                 "batch": 2, "epochs": 3, "tile": 64, "seed": 7, "trainTiles": 4,
                 "valTiles": 2, "normSamples": 8}
                """.formatted(data.toString().replace("\\", "\\\\")));
        Path out = tmp.resolve("runs/layers");
        CliRun r = run("train", "--config", file.toString(), "--preset", "gid", "--batch", "4",
                "--epochs", "1", "--tile", "64", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TrainConfig c = TrainConfig.load(out.resolve("config.json"));
        // --preset gid (lr 1e-4, wd 1e-4, CE, batch 24, 50 epochs, 512 tiles) beats the file;
        // the options given (batch, epochs, tile) beat the preset
        assertThat(optimisation(c)).containsExactly(1e-4, 1e-4, "ce", 4, 1, 64);
        // what the preset does not set comes from the file
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.model()).isEqualTo("resnet18x0.25-unet");
        assertThat(c.conv().toString()).isEqualTo("fadconv:k=2,p=8");
        assertThat(List.of(c.trainTiles(), c.valTiles(), c.normSamples()))
                .containsExactly(4, 2, 8);
        assertThat(r.out()).contains("1 epochs, batch 4, lr 1.0E-4, wd 1.0E-4, loss ce, seed 7");

        // Without --preset: what the file leaves out comes from the dataset's preset (hicna:
        // lr 3e-4, wd 1e-4, BCE, batch 16), what neither sets from the defaults (256 samples).
        Files.writeString(file, """
                {"data": "%s", "dataset": "synthetic-hicna", "model": "resnet18x0.25-unet",
                 "tile": 64, "trainTiles": 16, "valTiles": 2}
                """.formatted(data.toString().replace("\\", "\\\\")));
        Path under = tmp.resolve("runs/layers-under");
        CliRun u = run("train", "--config", file.toString(), "--epochs", "1", "--out",
                under.toString());
        assertThat(u.code()).as(u.err()).isZero();
        TrainConfig d = TrainConfig.load(under.resolve("config.json"));
        assertThat(optimisation(d)).containsExactly(3e-4, 1e-4, "bce", 16, 1, 64);
        assertThat(d.normSamples()).isEqualTo(256);
        assertThat(d.seed()).isZero();
        assertThat(d.conv().toString()).isEqualTo("static");
    }

    /** lr, weight decay, loss, batch, epochs, tile. */
    private static List<Object> optimisation(TrainConfig c) {
        return List.of(c.lr(), c.weightDecay(), c.loss().id(), c.batch(), c.epochs(), c.tile());
    }

    /**
     * A folder of PNG tiles, 10 of 64 x 64: RGB images whose colour follows the label, labels
     * one band of vertical stripes of the given values.
     */
    private static Path tileFolder(String name, int... stripes) throws IOException {
        Path root = tmp.resolve(name);
        Files.createDirectories(root.resolve("image"));
        Files.createDirectories(root.resolve("label"));
        for (int t = 0; t < 10; t++) {
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            BufferedImage label = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int k = ((x + 7 * t) % 64) * stripes.length / 64;
                    image.setRGB(x, y, (40 + 60 * k + (x * y + t) % 17) * 0x010101);
                    label.getRaster().setSample(x, y, 0, stripes[k]);
                }
            }
            ImageIO.write(image, "png", root.resolve("image/t" + t + ".png").toFile());
            ImageIO.write(label, "png", root.resolve("label/t" + t + ".png").toFile());
        }
        return root;
    }

    private static String[] folderRun(Path data, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--dataset",
                "folder", "--model", "resnet18x0.25-unet", "--tile", "64", "--batch", "2",
                "--epochs", "1", "--val-tiles", "2", "--norm-samples", "4", "--out",
                out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static JsonNode classScheme(Path run) throws IOException {
        return Json.MAPPER.readTree(run.resolve("run.json").toFile()).path("classScheme");
    }

    /**
     * README: a folder of tiles takes its classes from --classes and --labels (binary, ids,
     * gid): two classes are named as Hi-CNA's, six as GID's, any other count "class 0", ...
     */
    @Test
    void aFolderOfTilesTakesItsClassesFromClassesAndLabels() throws IOException {
        Path ids = tileFolder("folder-ids", 0, 1, 2);
        Path three = tmp.resolve("runs/folder-three");
        CliRun bce = run(folderRun(ids, three, "--labels", "ids", "--classes", "3"));
        assertThat(bce.code()).isEqualTo(1);
        assertThat(bce.err().strip()).doesNotContain("\n").contains("bce is for two classes")
                .contains("--loss ce");
        CliRun t = run(folderRun(ids, three, "--labels", "ids", "--classes", "3", "--loss",
                "ce"));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(Json.MAPPER.readTree(three.resolve("run.json").toFile())
                .path("model").path("classes").asInt()).isEqualTo(3);
        assertThat(classScheme(three).path("names")).extracting(JsonNode::asText)
                .containsExactly("class 0", "class 1", "class 2");
        CliRun e = run("eval", "--run", three.toString(), "--split", "test");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("class 2");

        // 0/255 masks: two classes, binary by default, one logit, Hi-CNA's names
        Path masks = tileFolder("folder-masks", 0, 255);
        Path two = tmp.resolve("runs/folder-two");
        CliRun b = run(folderRun(masks, two));
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(classScheme(two).path("names")).extracting(JsonNode::asText)
                .containsExactly("non-cropland", "cropland");
        assertThat(classScheme(two).path("cropland").asInt()).isEqualTo(1);
        // the same masks read as class ids: 255 is no class of two
        CliRun asIds = run(folderRun(masks, tmp.resolve("runs/folder-as-ids"), "--labels",
                "ids", "--classes", "2"));
        assertThat(asIds.code()).isEqualTo(1);
        assertThat(asIds.err().strip().lines().reduce((a, z) -> z).orElseThrow())
                .startsWith("fadconv: error: " + masks.resolve("label/t"))
                .endsWith(": pixel (x=0, y=0) has class id 255; allowed: 0..1 (0 non-cropland, "
                        + "1 cropland)");

        // a label encoding and a class count that disagree are an error before anything runs
        Path none = tmp.resolve("runs/folder-none");
        CliRun gid = run(folderRun(ids, none, "--labels", "gid", "--classes", "3"));
        assertThat(gid.err().strip()).isEqualTo("fadconv: error: classes: GID colours encode "
                + "6 classes, got 3");
        CliRun binary = run(folderRun(masks, none, "--labels", "binary", "--classes", "3"));
        assertThat(binary.err().strip()).isEqualTo("fadconv: error: classes: binary masks "
                + "encode 2 classes, got 3");
        CliRun one = run(folderRun(ids, none, "--classes", "1"));
        assertThat(one.err().strip()).isEqualTo("fadconv: error: classes: a folder dataset "
                + "needs >= 2 classes, got 1");
        assertThat(none).doesNotExist();
    }

    @Test
    void experimentWritesTheTableAndReusesFinishedRuns() {
        Path out = tmp.resolve("exp");
        CliRun r = run(tiny("--conv", "static", "--conv", "fadconv:k=2,p=8", "--out",
                out.toString()), "experiment");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("[1/2] static").contains("[2/2] fadconv:k=2,p=8")
                .contains("SYNTHETIC").contains("| Model | OA | Acc | P | R | F1 | IoU |")
                .contains("| static |").contains("| fadconv:k=2,p=8 |");
        for (String f : List.of("results.md", "results.json", "f1-vs-madds.png",
                "loss-curves.png", "validation-curves.png")) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        CliRun again = run(tiny("--conv", "static", "--conv", "fadconv:k=2,p=8", "--out",
                out.toString()), "experiment");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("reused, not retrained").contains("static (reused)")
                .doesNotContain("train loss");
    }

    @Test
    void quickstartRunsEndToEndAndIsHonestAboutIt() throws IOException {
        Path out = tmp.resolve("qs");
        CliRun r = run("quickstart", "--out", out.toString(), "--epochs", "1", "--scenes", "1",
                "--scene-size", "768");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1. Synthetic data")
                .contains("   Generating the synthetic dataset in " + out.resolve("data")
                        + " (seed 0, 1 scene of 768 x 768) ...")
                .contains("     scene 1/1 written").contains("2. Training")
                .contains("[1/2] static").contains("[2/2] fadconv:k=4,p=16")
                .contains("SYNTHETIC").contains("not GID or Hi-CNA").contains("1 epochs")
                .contains("| static |").contains("| fadconv:k=4,p=16 |")
                .contains("4. Cropland loss (CNA) on an unseen synthetic pair")
                .contains("true loss (ha)")
                .contains("Quickstart finished in").contains("Report: ");
        assertThat(r.err()).contains("epoch 1/1");
        for (String f : List.of("results.md", "results.json", "f1-vs-madds.png",
                "loss-curves.png", "validation-curves.png", "README.md", "cna.md",
                "cna-static/change.tif", "cna-static/change.png",
                "cna-fadconv_k4_p16/statistics.json")) {
            assertThat(out.resolve("report").resolve(f)).isRegularFile();
        }
        // The CNA table has a row per run ("| static |" above may come from the first table).
        assertThat(Files.readAllLines(out.resolve("report/cna.md")))
                .filteredOn(l -> l.startsWith("| static | ")
                        || l.startsWith("| fadconv:k=4,p=16 | ")).hasSize(2);
        CliRun again = run("quickstart", "--out", out.toString(), "--epochs", "1", "--scenes",
                "1", "--scene-size", "768");
        assertThat(again.out()).contains("already there, reused").contains("static (reused)");
    }

    @Test
    void benchTrainReportsStepTimesAndMemory() {
        CliRun r = run("bench", "train", "--size", "64", "--batch", "2", "--epochs", "2",
                "--steps", "1", "--warmup", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| static |").contains("| fadconv |")
                .contains("fadconv: ").contains("x static per training step")
                .contains("| after epoch | RSS MiB").contains("live NDArrays");
    }

    @Test
    void badInputIsOneLine() {
        CliRun noData = run("train", "--out", tmp.resolve("x").toString());
        assertThat(noData.code()).isEqualTo(1);
        assertThat(noData.err()).contains("--data and --dataset are required");
        CliRun badConv = run(tiny("--conv", "fadconv:q=1", "--out", tmp.resolve("y").toString()),
                "train");
        assertThat(badConv.code()).isEqualTo(1);
        assertThat(badConv.err().strip()).doesNotContain("\n").contains("unknown key 'q'");
        CliRun badTile = run("train", "--data", data.toString(), "--dataset", "synthetic-hicna",
                "--tile", "100", "--out", tmp.resolve("z").toString());
        assertThat(badTile.err()).contains("multiple of 32");
        CliRun both = run(tiny("--conv", "static", "--ablation", "pool", "--out",
                tmp.resolve("w").toString()), "experiment");
        assertThat(both.err()).contains("either --ablation or --conv");
        CliRun noRun = run("eval", "--run", tmp.resolve("nothing").toString());
        assertThat(noRun.code()).isEqualTo(1);
        assertThat(noRun.err()).contains("no config.json");
    }
}
