package io.fadconv.cli;

import io.fadconv.data.SyntheticConfig;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeMetrics;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.PredictOptions;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.nn.ConvSpec;
import io.fadconv.train.Experiment;
import io.fadconv.train.ExperimentTable;
import io.fadconv.train.Loss;
import io.fadconv.train.TrainConfig;
import io.fadconv.train.TrainLoop;
import io.fadconv.util.AtomicFiles;
import io.fadconv.viz.ExperimentPlots;
import io.fadconv.workflow.CnaWorkflow;
import io.fadconv.workflow.MappingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fadconv quickstart}: the first thing a new user runs. From nothing: synthetic data, a
 * short training of the static baseline and FADConv, their evaluation and a report folder.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"The main demo, from a fresh clone with no data: generates the synthetic "
                + "landscape set, trains the static baseline and FADConv (ResNet18(0.25x)-UNet,"
                + " the paper's Hi-CNA network, binary cropland) briefly on the CPU, evaluates "
                + "both on the held-out test tiles, maps cropland loss on an unseen synthetic "
                + "bi-temporal pair with each, prints the comparison tables and writes a "
                + "report folder (tables, charts, change maps). Runs that already finished are "
                + "reused.",
            "The data are synthetic and the training is short: the table shows that the "
                + "pipeline works end to end, not how the methods compare on Gaofen-2 scenes."})
final class QuickstartCommand implements Callable<Integer> {

    /**
     * The demo's training: the paper's Hi-CNA setting (Adam lr 3e-4, weight decay 1e-4, BCE)
     * shortened to finish in about 4 minutes on 2 cores: 30 epochs instead of 50, 256-pixel
     * tiles instead of 512, batch 8 instead of 16 (the demo set has 76 training tiles).
     */
    static final int EPOCHS = 30;
    static final int TILE = 256;
    static final int BATCH = 8;
    /** Minimum mapping unit of the CNA step, in pixels (32 m2 at 0.8 m). */
    static final int CNA_MMU = 50;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "quickstart", paramLabel = "DIR",
            description = "Folder for data, runs and report (${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "" + EPOCHS, paramLabel = "N",
            description = "Training epochs (${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N",
            description = "CPU threads (${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--scenes", defaultValue = "4", hidden = true,
            description = "Synthetic scenes (tests use fewer).")
    int scenes;

    @Option(names = "--scene-size", defaultValue = "1024", hidden = true,
            description = "Synthetic scene size (tests use smaller).")
    int sceneSize;

    @Option(names = "--fresh", description = "Delete earlier runs in --out and train again "
            + "(the data are kept).")
    boolean fresh;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        PrintWriter w = spec.commandLine().getOut();
        w.println("FADConv quickstart");
        w.println("==================");
        int used = TrainOptions.applyThreads(threads);

        Path data = out.resolve("data");
        w.println("1. Synthetic data (Gaofen-2-like scenes; not real imagery): " + data);
        if (Files.isDirectory(data)) {
            w.println("   already there, reused");
        } else {
            SyntheticDataset.generate(data, SyntheticConfig.demo(0).withScenes(scenes,
                    sceneSize), false, 2, line -> {
                w.println("   " + line);
                w.flush();
            });
        }
        w.flush();

        Path runs = out.resolve("runs");
        if (fresh) {
            deleteTree(runs);
        }
        TrainConfig base = TrainConfig.builder(data, "synthetic-hicna").preset("hicna")
                .set("model", "resnet18x0.25-unet").set("tile", TILE).set("batch", BATCH)
                .set("epochs", epochs)
                .set("loss", Loss.BCE).set("seed", 0).set("conv", ConvSpec.parse("static")).build();
        w.printf(Locale.ROOT, "2. Training ResNet18(0.25x)-UNet for cropland (binary), static "
                + "baseline then FADConv (K=4, p=16), %d epochs each on %d CPU thread(s): %s%n",
                epochs, used, runs);
        w.flush();
        TrainProgress progress = new TrainProgress(w, spec.commandLine().getErr(), "");
        Experiment.Result r;
        try {
            r = Experiment.run(base, List.of("static", "fadconv:k=4,p=16"), runs,
                    new TrainLoop.Options(false, 0, 0), progress);
        } finally {
            progress.closeBar();
        }

        Path report = out.resolve("report");
        w.println("3. Evaluation on the held-out test tiles and the report: " + report);
        Files.createDirectories(report);
        ExperimentTable.save(r, report);
        ExperimentPlots.write(r, report);
        String cna = cropLoss(w, r, report);
        AtomicFiles.writeString(report.resolve("README.md"), readme(r));
        w.println();
        w.print(ExperimentTable.markdown(r));
        w.println();
        w.print(cna);
        w.println();
        w.printf(Locale.ROOT, "Quickstart finished in %.1f min. Report: %s%n",
                (System.nanoTime() - t0) / 6e10, report.toAbsolutePath());
        return 0;
    }

    /**
     * Step 4: cropland loss on a synthetic bi-temporal pair that no run has seen (its own seed),
     * mapped by each run and compared with the pair's true change mask.
     *
     * @return a markdown table of the change-detection scores
     */
    private String cropLoss(PrintWriter w, Experiment.Result r, Path report) throws IOException {
        Path pair = out.resolve("data-cna");
        w.println("4. Cropland loss (CNA) on an unseen synthetic pair (seed 1, t1 -> t2, true "
                + "change mask known): " + pair);
        if (!Files.isDirectory(pair)) {
            SyntheticDataset.generate(pair, SyntheticConfig.demo(1).withScenes(1, sceneSize),
                    false, 2, line -> { });
        }
        Path before = pair.resolve("gid/image/scene_000.tif");
        Path after = pair.resolve("gid-t2/image/scene_000.tif");
        Path truth = pair.resolve("change/scene_000.tif");
        CnaOptions options = CnaOptions.defaults().withMinPatch(CNA_MMU,
                PatchSieve.Connectivity.EIGHT);
        StringBuilder md = new StringBuilder("Cropland loss on the unseen pair (minimum mapping "
                + "unit " + CNA_MMU + " px), against the true change mask:\n\n"
                + "| Model | loss mapped (ha) | true loss (ha) | P | R | F1 | IoU |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (Experiment.Entry e : r.entries()) {
            Path dir = report.resolve("cna-" + e.folder().dir().getFileName());
            CnaFiles files = new CnaFiles(dir);
            Files.createDirectories(dir);
            AreaStatistics s;
            try (MappingRun run = MappingRun.open(e.folder().dir(), info -> PredictOptions
                    .defaults().withWindow(info.windowOr(PredictOptions.DEFAULT_WINDOW)))) {
                s = CnaWorkflow.scenes(run, before, after, java.util.Optional.of(truth), options,
                        files, io.fadconv.infer.ProgressListener.NONE);
            }
            CnaWorkflow.overlay(files, s, after, null, "Cropland loss mapped by " + e.label()
                    + " (synthetic pair)");
            ChangeMetrics m = s.metrics();
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f |%n",
                    e.label(), s.hectares(s.lossPixels()),
                    s.hectares(m.truePositives() + m.falseNegatives()), 100 * m.precision(),
                    100 * m.recall(), 100 * m.f1(), 100 * m.iou()));
            w.println("   " + e.label() + ": " + files.overlay());
            w.flush();
        }
        AtomicFiles.writeString(report.resolve("cna.md"), md.toString());
        return md.toString();
    }

    private static String readme(Experiment.Result r) {
        return "# FADConv quickstart report\n\n"
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
                + "works, not how the methods compare on real Gaofen-2 scenes.\n";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
