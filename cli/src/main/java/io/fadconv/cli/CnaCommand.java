package io.fadconv.cli;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.ChangeMetrics;
import io.fadconv.infer.CnaDetector;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.PredictOptions;
import io.fadconv.infer.SceneMapper;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import io.fadconv.viz.ClassMapImages;
import io.fadconv.viz.Overlays;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
                + "statistics.json and statistics.csv (pixels and hectares).",
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

    @Option(names = "--classes", description = "Classes of the maps without --run: gid or "
            + "hicna.")
    String classes;

    @Option(names = "--out", required = true, description = "The output folder.")
    Path out;

    @Option(names = "--truth", description = "A true change mask (1 or 255 = cropland loss): "
            + "adds precision, recall, F1 and IoU of the loss to the statistics.")
    Path truth;

    @Option(names = "--mmu", defaultValue = "0", description = "Minimum mapping unit: drop loss "
            + "patches smaller than this many pixels (${DEFAULT-VALUE} = keep all).")
    int mmu;

    @Option(names = "--connectivity", defaultValue = "8", description = "Pixels of a patch touch "
            + "by edges (4) or by edges and corners (${DEFAULT-VALUE}).")
    String connectivity;

    @Option(names = "--pixel-size", description = "Pixel size in metres, for maps without "
            + "projected georeferencing (overrides it).")
    Double pixelSize;

    @Option(names = "--rgb-bands", split = ",", description = "Bands (1-based) of the t2 image "
            + "shown as red, green, blue (default: 3,2,1 for 4-band blue-green-red-NIR scenes, "
            + "1,2,3 for RGB).")
    List<Integer> rgbBands;

    @Mixin WindowOptions windows;

    @Mixin SceneBands sceneBands;

    @Override
    public Integer call() throws IOException {
        io.fadconv.viz.Figures.headless();
        PrintWriter w = spec.commandLine().getOut();
        CnaOptions options = new CnaOptions(mmu, PatchSieve.Connectivity.parse(connectivity),
                pixelSize == null ? OptionalDouble.empty() : OptionalDouble.of(pixelSize));
        CnaFiles files = new CnaFiles(out);
        Files.createDirectories(out);
        Optional<Path> truthFile = Optional.ofNullable(truth);
        AreaStatistics stats;
        Path image;
        String title;
        if (inputs.scenes != null) {
            if (run == null) {
                throw new IllegalArgumentException("--before/--after are scenes: give the run "
                        + "that maps them (--run), or pass class maps with --before-map/--after-map");
            }
            try (ProgressBars bars = ProgressBars.onTerminal()) {
                stats = mapScenes(run, inputs.scenes.before, inputs.scenes.after, truthFile,
                        options, windows::options, sceneBands, spec.commandLine().getErr(), files,
                        bars);
            }
            image = inputs.scenes.after;
            title = title(inputs.scenes.before, inputs.scenes.after);
        } else {
            ClassScheme cls = schemeForMaps();
            CnaDetector cna = new CnaDetector(cls, options);
            Map<String, String> extra = new LinkedHashMap<>();
            if (run != null) {
                extra.put("run", run.toString());
            }
            try (ProgressBars bars = ProgressBars.onTerminal()) {
                stats = cna.detect(inputs.maps.before, inputs.maps.after, truthFile,
                        files.change(), extra, bars);
            }
            stats.save(files.statisticsJson(), files.statisticsCsv());
            image = inputs.maps.image;
            title = title(inputs.maps.before, inputs.maps.after);
        }
        Overlays.cna(files.change(), stats, image, rgb(), title, files.overlay());
        print(w, stats, files);
        return 0;
    }

    /**
     * CNA between two scenes mapped by a run: both class maps with previews, the change map
     * and its statistics (saved); the overlay is left to the caller.
     *
     * @param run the run folder
     * @param before the t1 scene
     * @param after the t2 scene
     * @param truth a true change mask to evaluate against, if any
     * @param options minimum mapping unit and pixel size
     * @param windows the window options for the run
     * @param bands the scene band mapping and how strict the input check is
     * @param err where input notes and warnings go
     * @param files where the outputs go
     * @param progress progress of the mapping
     * @return the statistics
     * @throws IOException if a file cannot be read or written
     */
    static AreaStatistics mapScenes(Path run, Path before, Path after, Optional<Path> truth,
            CnaOptions options, java.util.function.Function<RunInfo, PredictOptions> windows,
            SceneBands bands, PrintWriter err, CnaFiles files,
            io.fadconv.infer.ProgressListener progress) throws IOException {
        try (NDManager m = Djl.engine().newBaseManager()) {
            RunFolder.Trained trained = bands.adapt(new RunFolder(run).open(m, 64),
                    List.of(before, after), err);
            SceneMapper mapper = new SceneMapper(trained, windows.apply(trained.info()));
            CnaDetector cna = new CnaDetector(trained.info().classes(), options);
            AreaStatistics stats = cna.detectScenes(mapper, before, after, truth, files,
                    Map.of("run", run.toString()), progress);
            String model = trained.info().model().name() + " " + trained.info().model().conv();
            ClassScheme cls = trained.info().classes();
            ClassMapImages.preview(files.beforeClasses(), cls, "t1: " + before.getFileName()
                    + " (" + model + ")", files.beforePreview());
            ClassMapImages.preview(files.afterClasses(), cls, "t2: " + after.getFileName()
                    + " (" + model + ")", files.afterPreview());
            return stats;
        }
    }

    /** "Cropland loss, t1 a.tif -> t2 b.tif", with parent folders when the names are equal. */
    static String title(Path before, Path after) {
        boolean same = before.getFileName().equals(after.getFileName());
        return "Cropland loss, t1 " + shortName(before, same) + " \u2192 t2 "
                + shortName(after, same);
    }

    private static String shortName(Path p, boolean withFolders) {
        Path abs = p.toAbsolutePath().normalize();
        int n = abs.getNameCount();
        return withFolders && n >= 3 ? abs.subpath(n - 3, n).toString()
                : abs.getFileName().toString();
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
        return switch (classes.toLowerCase(Locale.ROOT)) {
            case "gid" -> ClassScheme.GID;
            case "hicna" -> ClassScheme.HICNA;
            default -> throw new IllegalArgumentException("--classes must be gid or hicna, got '"
                    + classes + "'");
        };
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
