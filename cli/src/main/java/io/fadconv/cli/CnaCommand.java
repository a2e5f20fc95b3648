package io.fadconv.cli;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.DatasetKind;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.ChangeMetrics;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.SceneCheck;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import io.fadconv.util.OutputFolder;
import io.fadconv.workflow.BatchCna;
import io.fadconv.workflow.BatchEngine;
import io.fadconv.workflow.BatchEngines;
import io.fadconv.workflow.BatchSummary;
import io.fadconv.workflow.CnaJob;
import io.fadconv.workflow.CnaWorkflow;
import io.fadconv.workflow.MappingRun;
import io.fadconv.workflow.PairList;
import io.fadconv.workflow.PairResult;
import io.fadconv.workflow.PairSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv cna}: cropland non-agriculturalization between two dates. */
@Command(name = "cna", mixinStandardHelpOptions = true,
        description = {"Detects cropland non-agriculturalization: cropland at t1 that is not "
                + "cropland at t2, split by what it became, from two co-registered scenes "
                + "(predicted with --run) or two class maps. Writes change.tif (codes below, "
                + "colour table, 255 = no data), change.png (losses over the t2 image), "
                + "statistics.json and statistics.csv (pixels and hectares). Many pairs in one "
                + "job: --pairs or --before-dir/--after-dir (a pair that fails is reported, "
                + "the others go on; --resume; --spark).",
            "Change codes: 0 no cropland loss, 1 stable cropland, 2.. cropland lost to each "
                + "non-cropland class in class order (GID: 2 other/unlabeled, 3 built-up, "
                + "4 forest, 5 meadow, 6 water; two-class runs: 2 non-cropland)."})
final class CnaCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", description = "The run folder: predicts --before/--after, or gives "
            + "the classes of --before-map/--after-map.")
    Path run;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    static final class Inputs {
        @ArgGroup(exclusive = false)
        Scenes scenes;

        @ArgGroup(exclusive = false)
        Maps maps;

        @Option(names = "--pairs", paramLabel = "CSV", description = "Many pairs in one job: a "
                + "CSV with columns id,before,after and optionally region,truth (paths relative "
                + "to the CSV). Each pair goes to OUT/<id>/, the totals per pair, region and in "
                + "all to OUT/summary.csv and summary.json.")
        Path pairs;

        @ArgGroup(exclusive = false)
        Folders folders;
    }

    static final class Folders {
        @Option(names = "--before-dir", required = true, description = "Many pairs: the t1 "
                + "scenes, paired with --after-dir's by file name (id = name without .tif).")
        Path before;

        @Option(names = "--after-dir", required = true, description = "The t2 scenes.")
        Path after;
    }

    static final class Scenes {
        @Option(names = "--before", required = true, description = "The t1 scene (GeoTIFF).")
        Path before;

        @Option(names = "--after", required = true, description = "The t2 scene (GeoTIFF).")
        Path after;
    }

    static final class Maps {
        @Option(names = "--before-map", required = true,
                description = "The t1 class map (class ids, or colour-coded labels).")
        Path before;

        @Option(names = "--after-map", required = true, description = "The t2 class map.")
        Path after;

        @Option(names = "--image", description = "The t2 image to draw the overlay on "
                + "(default: a grey background).")
        Path image;
    }

    @Option(names = "--classes", paramLabel = "KIND", completionCandidates =
            DatasetKinds.WithClasses.class, description = "Classes of the maps without --run: "
            + "a dataset kind with classes of its own (${COMPLETION-CANDIDATES}).")
    String classes;

    @Option(names = "--out", required = true, description = "The output folder (many pairs: OUT/<id>/ "
            + "per pair, OUT/summary.csv and summary.json).")
    Path out;

    @Option(names = "--truth", description = "A true change mask (1 or 255 = cropland loss): "
            + "adds precision, recall, F1 and IoU of the loss to the statistics.")
    Path truth;

    @Option(names = "--mmu", defaultValue = "0", paramLabel = "PIXELS", description = "Minimum "
            + "mapping unit: drop loss patches smaller than this many pixels (default "
            + "${DEFAULT-VALUE}: keep all).")
    int mmu;

    @Option(names = "--connectivity", defaultValue = "8", paramLabel = "4|8", description = "Which "
            + "pixels of a patch touch: 4 (by edges) or 8 (by edges and corners); default "
            + "${DEFAULT-VALUE}.")
    String connectivity;

    @Option(names = "--pixel-size", description = "Pixel size in metres, for maps without "
            + "projected georeferencing (overrides it).")
    Double pixelSize;

    @Option(names = "--rgb-bands", split = ",", description = "Bands (1-based) of the t2 image "
            + "shown as red, green, blue (default: 3,2,1 for 4-band blue-green-red-NIR scenes, "
            + "1,2,3 for RGB).")
    List<Integer> rgbBands;

    @Option(names = "--resume", description = "Many pairs: keep the pairs whose OUT/<id>/ is "
            + "complete from an earlier run of the job and map only the others.")
    boolean resume;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Many pairs: map them on "
            + "Apache Spark (local[2], yarn, k8s://..., spark://...), one task per pair; "
            + "./fadconv adds the fadconv-spark module to the class path for this.")
    String spark;

    @Mixin WindowOptions windows;

    @Mixin SceneBands sceneBands;

    @Override
    public Integer call() throws IOException {
        io.fadconv.viz.Figures.headless();
        PrintWriter w = spec.commandLine().getOut();
        CnaOptions options = new CnaOptions(mmu, PatchSieve.Connectivity.parse(connectivity),
                pixelSize == null ? OptionalDouble.empty() : OptionalDouble.of(pixelSize));
        if (inputs.pairs != null || inputs.folders != null) {
            return batch(w, options);
        }
        if (resume || spark != null) {
            throw new IllegalArgumentException("--resume and --spark are for many pairs: give "
                    + "--pairs pairs.csv or --before-dir/--after-dir");
        }
        if (inputs.scenes != null && run == null) {
            throw new IllegalArgumentException("--before/--after are scenes: give the run "
                    + "that maps them (--run), or pass class maps with --before-map/--after-map");
        }
        ClassScheme mapClasses = inputs.maps != null ? schemeForMaps() : null;
        int[] rgb = rgb();
        CnaFiles files = new CnaFiles(out);
        Optional<Path> truthFile = Optional.ofNullable(truth);
        AreaStatistics stats;
        try (OutputFolder folder = OutputFolder.create(out)) {
            if (inputs.scenes != null) {
                Path before = inputs.scenes.before;
                Path after = inputs.scenes.after;
                PrintWriter err = spec.commandLine().getErr();
                // each scene is opened once: checked, mapped and (t2) drawn under the overlay
                try (MappingRun opened = MappingRun.open(run, windows::options,
                                sceneBands::mapBands);
                        SceneCheck.Pair pair = SceneCheck.openPair(before, after, truthFile,
                                opened.trained().normalization(), options, scene -> sceneBands
                                        .check(scene, opened.trained().normalization(), err))) {
                    try (ProgressBars bars = ProgressBars.onTerminal()) {
                        stats = CnaWorkflow.scenes(opened, pair, truthFile, options, files, bars);
                    }
                    CnaWorkflow.overlayOn(files, stats, pair.after(), rgb,
                            CnaWorkflow.title(before, after));
                }
            } else {
                try (ProgressBars bars = ProgressBars.onTerminal()) {
                    stats = CnaWorkflow.maps(mapClasses, inputs.maps.before, inputs.maps.after,
                            truthFile, options, files, run, bars);
                }
                CnaWorkflow.overlay(files, stats, inputs.maps.image, rgb,
                        CnaWorkflow.title(inputs.maps.before, inputs.maps.after));
            }
            folder.keep();
        }
        print(w, stats, files);
        return 0;
    }

    /** Many pairs: the batch workflow, on this machine or on Spark. */
    private int batch(PrintWriter w, CnaOptions options) throws IOException {
        if (run == null) {
            throw new IllegalArgumentException("many pairs are mapped by a run: give --run "
                    + "runs/NAME");
        }
        if (truth != null) {
            throw new IllegalArgumentException("--truth is for one pair; with many pairs give "
                    + "each pair's true change mask in the CSV's truth column");
        }
        if (rgbBands != null) {
            throw new IllegalArgumentException("--rgb-bands is for one pair; batch overlays use "
                    + "the default bands");
        }
        if (sceneBands.given()) {
            throw new IllegalArgumentException("--bands and --strict are for one pair for now; "
                    + "map pairs whose bands differ from the run's one by one");
        }
        List<PairSpec> pairs = inputs.pairs != null ? PairList.fromCsv(inputs.pairs)
                : PairList.fromFolders(inputs.folders.before, inputs.folders.after);
        CnaJob job = CnaJob.of(run, out, windows.window, windows.margin, windows.batch, options);
        BatchEngine engine = spark == null ? BatchEngines.create("local", "")
                : BatchEngines.create("spark", spark);
        w.printf(Locale.ROOT, "%d pair(s), run %s, %s%s -> %s%n", pairs.size(), run,
                spark == null ? "on this machine" : "on Spark " + spark,
                resume ? ", resuming" : "", out);
        w.flush();
        long t0 = System.nanoTime();
        BatchSummary summary;
        try (BatchBar bar = BatchBar.onTerminal(w, spec.commandLine().getErr())) {
            summary = BatchCna.run(job, pairs, resume, engine, bar);
        }
        printSummary(w, summary, (System.nanoTime() - t0) / 1e9);
        w.println("Wrote " + out.resolve(BatchSummary.CSV) + ", "
                + out.resolve(BatchSummary.JSON));
        w.flush();
        List<PairResult> failed = summary.failed();
        if (!failed.isEmpty()) {
            spec.commandLine().getErr().printf(Locale.ROOT, "fadconv: error: %d of %d pairs "
                    + "failed (%s); the others are mapped; see %s%n", failed.size(),
                    pairs.size(), String.join(", ", failed.stream().map(r -> r.pair().id())
                            .toList()), out.resolve(BatchSummary.CSV));
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    private static void printSummary(PrintWriter w, BatchSummary s, double seconds) {
        long mapped = s.results().stream().filter(r -> r.status() == PairResult.Status.MAPPED)
                .count();
        long reused = s.results().stream().filter(r -> r.status() == PairResult.Status.REUSED)
                .count();
        long px = s.results().stream().mapToLong(PairResult::pixels).sum();
        w.printf(Locale.ROOT, "%d mapped, %d reused, %d failed in %.1f s (%.2f megapixels/s)%n",
                mapped, reused, s.failed().size(), seconds, px / 1e6 / seconds);
        w.printf(Locale.ROOT, "%-20s %6s %14s %14s %12s %8s%n", "", "pairs", "cropland t1 ha",
                "loss ha", "gain ha", "F1");
        s.regions().forEach((name, sum) -> summaryRow(w, "region " + name, sum));
        summaryRow(w, "total", s.total());
    }

    private static void summaryRow(PrintWriter w, String name, BatchSummary.Sum sum) {
        ChangeMetrics m = sum.metrics();
        w.printf(Locale.ROOT, "%-20s %6d %14.2f %14.2f %12.2f %8s%n", name, sum.pairs(),
                sum.hectares("cropland_t1"), sum.hectares("loss"), sum.hectares("gain"),
                m == null ? "" : metric(m.f1()));
    }

    private ClassScheme schemeForMaps() throws IOException {
        if (run != null && classes != null) {
            throw new IllegalArgumentException("give either --run or --classes, not both");
        }
        if (run != null) {
            return RunInfo.load(new RunFolder(run).info()).classes();
        }
        if (classes == null) {
            throw new IllegalArgumentException("class maps need their classes: --run runs/NAME or "
                    + "--classes gid|hicna");
        }
        return DatasetKind.classesOf(classes);
    }

    private int[] rgb() {
        if (rgbBands == null) {
            return null;
        }
        if (rgbBands.size() != 3) {
            throw new IllegalArgumentException("--rgb-bands takes three bands (red,green,blue), "
                    + "got " + rgbBands.size());
        }
        int[] b = new int[3];
        for (int i = 0; i < 3; i++) {
            if (rgbBands.get(i) < 1) {
                throw new IllegalArgumentException("--rgb-bands are 1-based, got "
                        + rgbBands.get(i));
            }
            b[i] = rgbBands.get(i) - 1;
        }
        return b;
    }

    static void print(PrintWriter w, AreaStatistics s, CnaFiles files) {
        ChangeCodes codes = s.codes();
        String crop = codes.classes().names().get(codes.classes().cropland());
        w.printf(Locale.ROOT, "Pixel area %.4f m2 (%s)%n", s.area().squareMetres(),
                s.area().source());
        w.printf(Locale.ROOT, "%-34s %12s %12s %8s%n", "", "pixels", "hectares", "% t1");
        row(w, s, crop + " at t1", s.croplandBefore());
        row(w, s, crop + " at t2", s.croplandAfter());
        row(w, s, codes.name(ChangeCodes.STABLE), s.pixels()[ChangeCodes.STABLE]);
        row(w, s, crop + " loss", s.lossPixels());
        for (int c = ChangeCodes.FIRST_LOSS; c < codes.count(); c++) {
            row(w, s, "  to " + codes.targetName(codes.lossTarget(c)), s.pixels()[c]);
        }
        row(w, s, crop + " gain", s.gainPixels());
        AreaStatistics.Sieve sv = s.sieve();
        if (sv.minPatch() > 1) {
            w.printf(Locale.ROOT, "Minimum mapping unit %d px (%d-connected): %d of %d loss "
                    + "patches removed (%d px)%n", sv.minPatch(), sv.connectivity(),
                    sv.removedPatches(), sv.patches(), sv.removedPixels());
        }
        ChangeMetrics m = s.metrics();
        if (m != null) {
            w.printf(Locale.ROOT, "Against the truth: precision %s, recall %s, F1 %s, IoU %s "
                    + "(TP %d, FP %d, FN %d)%n", metric(m.precision()), metric(m.recall()),
                    metric(m.f1()), metric(m.iou()), m.truePositives(), m.falsePositives(),
                    m.falseNegatives());
        }
        w.println("Wrote " + files.change() + ", " + files.overlay() + ", "
                + files.statisticsJson() + ", " + files.statisticsCsv());
        w.flush();
    }

    private static String metric(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static void row(PrintWriter w, AreaStatistics s, String name, long pixels) {
        double pct = s.percentOfCroplandBefore(pixels);
        w.printf(Locale.ROOT, "%-34s %12d %12.2f %8s%n", name, pixels, s.hectares(pixels),
                Double.isFinite(pct) ? String.format(Locale.ROOT, "%.1f", pct) : "");
    }
}
