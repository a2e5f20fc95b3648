package io.fadconv.workflow;

import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeMetrics;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.PredictOptions;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneCheck;
import io.fadconv.train.Experiment;
import io.fadconv.train.Loss;
import io.fadconv.train.TrainConfig;
import io.fadconv.train.TrainLoop;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.FilePaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The steps of {@code fadconv quickstart}, the first thing a new user runs: synthetic data, a
 * short training of the static baseline and FADConv, their evaluation and report, and cropland
 * loss mapped by each on an unseen synthetic pair. The command prints; the steps are here.
 *
 * <p>The training is the paper's Hi-CNA setting (Adam lr 3e-4, weight decay 1e-4, BCE) shortened
 * to finish in about 4 minutes on 2 cores: {@link #EPOCHS} epochs instead of 50, {@link #TILE}
 * pixel tiles instead of 512, batch {@link #BATCH} instead of 16 (the demo set has 76 training
 * tiles).
 */
public final class Quickstart {

    /** Training epochs. */
    public static final int EPOCHS = 30;
    /** Tile size. */
    public static final int TILE = 256;
    /** Tiles per step. */
    public static final int BATCH = 8;
    /** Minimum mapping unit of the CNA step, in pixels (32 m2 at 0.8 m). */
    public static final int CNA_MMU = 50;
    /** The convolution types compared, the baseline first. */
    public static final List<String> CONVS = List.of("static", "fadconv:k=4,p=16");

    private Quickstart() {}

    /**
     * The folders of a quickstart.
     *
     * @param out the folder holding them all
     */
    public record Folders(Path out) {
        /** @return the synthetic training data */
        public Path data() {
            return out.resolve("data");
        }

        /** @return the run folders */
        public Path runs() {
            return out.resolve("runs");
        }

        /** @return the report */
        public Path report() {
            return out.resolve("report");
        }

        /** @return the unseen bi-temporal pair */
        public Path pair() {
            return out.resolve("data-cna");
        }
    }

    /**
     * Step 1: the synthetic data (seed 0), unless it is there.
     *
     * @param f the folders
     * @param scenes synthetic scenes
     * @param sceneSize their size
     * @param log what is generated, then the generator's progress lines
     * @return whether it was generated (false: reused)
     * @throws IOException when it cannot be written
     */
    public static boolean data(Folders f, int scenes, int sceneSize, Consumer<String> log)
            throws IOException {
        return SyntheticDataset.generateIfMissing(f.data(), SyntheticConfig.demo(0)
                .withScenes(scenes, sceneSize), 2, log);
    }

    /**
     * Step 2 and 3: trains both networks (finished runs are reused; {@code fresh} deletes them
     * first), evaluates them and writes the table and charts into the report folder.
     *
     * @param f the folders
     * @param epochs training epochs
     * @param fresh whether to delete earlier runs first
     * @param listener progress of the training
     * @return the report
     * @throws IOException when a file cannot be read or written
     */
    public static ExperimentReport train(Folders f, int epochs, boolean fresh,
            Experiment.Listener listener) throws IOException {
        if (fresh) {
            FilePaths.deleteTree(f.runs());
        }
        TrainConfig base = TrainConfig.builder(f.data(), "synthetic-hicna").preset("hicna")
                .set("model", "resnet18x0.25-unet").set("tile", TILE).set("batch", BATCH)
                .set("epochs", epochs).set("loss", Loss.BCE).set("seed", 0).set("conv", "static")
                .build();
        return ExperimentReport.run(base, CONVS, f.runs(), f.report(),
                new TrainLoop.Options(false, 0, 0), listener);
    }

    /**
     * Step 4: cropland loss on a synthetic bi-temporal pair that no run has seen (its own seed),
     * mapped by each run into {@code report/cna-<run>/} and compared with the pair's true change
     * mask; the table goes to {@code report/cna.md}.
     *
     * @param f the folders
     * @param r the trained runs
     * @param sceneSize the pair's size
     * @param wrote each run's label and overlay, as it is written
     * @return the table (markdown)
     * @throws IOException when a file cannot be read or written
     */
    public static String cropLoss(Folders f, Experiment.Result r, int sceneSize,
            java.util.function.BiConsumer<String, Path> wrote) throws IOException {
        SyntheticDataset.generateIfMissing(f.pair(), SyntheticConfig.demo(1)
                .withScenes(1, sceneSize), 2, line -> { });
        Path before = f.pair().resolve("gid/image/scene_000.tif");
        Path after = f.pair().resolve("gid-t2/image/scene_000.tif");
        Path truth = f.pair().resolve("change/scene_000.tif");
        CnaOptions options = CnaOptions.defaults().withMinPatch(CNA_MMU,
                PatchSieve.Connectivity.EIGHT);
        StringBuilder md = new StringBuilder("Cropland loss on the unseen pair (minimum mapping "
                + "unit " + CNA_MMU + " px), against the true change mask:\n\n"
                + "| Model | loss mapped (ha) | true loss (ha) | P | R | F1 | IoU |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (Experiment.Entry e : r.entries()) {
            CnaFiles files = new CnaFiles(f.report().resolve("cna-"
                    + e.folder().dir().getFileName()));
            AreaStatistics s;
            // each scene opened once: checked, mapped and (t2) drawn under the overlay
            try (MappingRun run = MappingRun.open(e.folder().dir(), info -> PredictOptions
                    .defaults().withWindow(info.windowOr(PredictOptions.DEFAULT_WINDOW)));
                    SceneCheck.Pair pair = SceneCheck.openPair(before, after, Optional.of(truth),
                            run.trained().normalization(), options, SceneCheck.Further.NONE)) {
                s = CnaWorkflow.scenes(run, pair, Optional.of(truth), options, files,
                        ProgressListener.NONE);
                CnaWorkflow.overlayOn(files, s, pair.after(), null, "Cropland loss mapped by "
                        + e.label() + " (synthetic pair)");
            }
            ChangeMetrics m = s.metrics();
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.1f | %.1f | "
                    + "%.1f |%n", e.label(), s.hectares(s.lossPixels()),
                    s.hectares(m.truePositives() + m.falseNegatives()), 100 * m.precision(),
                    100 * m.recall(), 100 * m.f1(), 100 * m.iou()));
            wrote.accept(e.label(), files.overlay());
        }
        AtomicFiles.writeString(f.report().resolve("cna.md"), md.toString());
        return md.toString();
    }

    /**
     * Writes the report's {@code README.md}.
     *
     * @param f the folders
     * @param r the trained runs
     * @throws IOException when it cannot be written
     */
    public static void readme(Folders f, Experiment.Result r) throws IOException {
        AtomicFiles.writeString(f.report().resolve("README.md"), "# FADConv quickstart report\n\n"
                + "- `results.md`, `results.json`: the comparison table (and the same as JSON)\n"
                + "- `f1-vs-madds.png`: cropland F1 against the cost per 512 x 512 image "
                + "(the paper's Figure 5)\n"
                + "- `loss-curves.png`, `validation-curves.png`: training and validation per "
                + "epoch\n"
                + "- `cna.md` and `cna-<run>/`: cropland loss mapped on an unseen synthetic "
                + "pair by each run (change map GeoTIFF, overlay PNG, class maps, statistics in "
                + "hectares), scored against the true change mask\n"
                + "- the run folders (weights, metrics per epoch, checkpoints) are in `"
                + r.out() + "`\n\n"
                + "Synthetic data, short CPU training: these numbers show that the pipeline "
                + "works, not how the methods compare on real Gaofen-2 scenes.\n");
    }
}
