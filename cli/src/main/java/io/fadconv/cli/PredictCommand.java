package io.fadconv.cli;

import io.fadconv.data.ClassScheme;
import io.fadconv.infer.SceneMapper;
import io.fadconv.infer.WindowGrid;
import io.fadconv.workflow.BatchPredict;
import io.fadconv.workflow.MappingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv predict}: class maps of whole scenes with a trained run. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Maps scenes of any size with a trained run: window by window with "
                + "overlap (each window keeps its centre, the margin is cropped), written as a "
                + "class GeoTIFF with the scene's georeferencing and the run's class colours "
                + "(255 = no data), plus a PNG preview with a legend. A folder: every scene is "
                + "checked first, every good one mapped, the bad ones reported (summary.csv, "
                + "non-zero exit).")
final class PredictCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, description = "The run folder (runs/NAME).")
    Path run;

    @Option(names = "--in", required = true,
            description = "A scene (GeoTIFF) or a folder of scenes (*.tif, *.tiff).")
    Path in;

    @Option(names = "--out", required = true,
            description = "The class map to write (.tif), or a folder for a folder of scenes "
                    + "(one NAME.tif and NAME.png per scene, and summary.csv).")
    Path out;

    @Option(names = "--no-preview", description = "Do not write the PNG preview.")
    boolean noPreview;

    @Mixin WindowOptions windows;

    @Mixin SceneBands sceneBands;

    @Override
    public Integer call() throws IOException {
        io.fadconv.viz.Figures.headless();
        PrintWriter w = spec.commandLine().getOut();
        boolean folder = Files.isDirectory(in);
        List<BatchPredict.Scene> scenes = BatchPredict.scenes(in, out);
        List<BatchPredict.Outcome> outcomes;
        PrintWriter err = spec.commandLine().getErr();
        try (ProgressBars bars = ProgressBars.onTerminal();
                MappingRun opened = MappingRun.open(run, windows::options,
                        sceneBands::mapBands)) {
            io.fadconv.data.Normalization norm = opened.trained().normalization();
            ClassScheme classes = opened.info().classes();
            w.printf(Locale.ROOT, "Run %s: %s, weights %s, bands %s, classes %s%n", run,
                    opened.modelName(), opened.trained().weights().getFileName(),
                    oneBased(norm.bands()), String.join(", ", classes.names()));
            w.flush();
            outcomes = BatchPredict.run(opened, scenes, !noPreview, bars, o -> {
                bars.close();
                if (folder || o.ok()) { // one scene's error is the command's, printed once
                    print(w, o, opened, classes);
                }
            }, scene -> sceneBands.check(scene, norm, err));
        }
        List<BatchPredict.Outcome> bad = outcomes.stream().filter(o -> !o.ok()).toList();
        if (!folder) {
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException(bad.get(0).error());
            }
            return 0;
        }
        Path summary = out.resolve(BatchPredict.SUMMARY);
        BatchPredict.saveSummary(summary, outcomes);
        w.printf(Locale.ROOT, "%d of %d scene(s) mapped; wrote %s%n", outcomes.size() - bad.size(),
                outcomes.size(), summary);
        w.flush();
        if (!bad.isEmpty()) {
            spec.commandLine().getErr().printf(Locale.ROOT, "fadconv: error: %d of %d scenes "
                    + "could not be mapped (%s); the others are; see %s%n", bad.size(),
                    outcomes.size(), String.join(", ", bad.stream()
                            .map(o -> o.job().scene().getFileName().toString()).toList()),
                    summary);
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    private static String oneBased(int[] bands) {
        return java.util.Arrays.toString(java.util.Arrays.stream(bands).map(b -> b + 1).toArray())
                + " (1-based)";
    }

    private static void print(PrintWriter w, BatchPredict.Outcome o, MappingRun run,
            ClassScheme classes) {
        if (!o.ok()) {
            w.println(o.job().scene() + ": FAILED: " + o.error());
            w.flush();
            return;
        }
        SceneMapper.Result r = o.result();
        WindowGrid g = WindowGrid.plan(r.width(), r.height(), run.options(),
                run.trained().model().inputMultiple());
        w.printf(Locale.ROOT, "%s: %d x %d, %d window%s of %d x %d (margin %d), %.1f s "
                + "(%.2f megapixels/s)%n", o.job().scene(), r.width(), r.height(), r.windows(),
                r.windows() == 1 ? "" : "s", g.windowWidth(), g.windowHeight(), g.margin(),
                r.seconds(), r.megapixelsPerSecond());
        w.println("  wrote " + o.job().classMap() + shares(r, classes));
        if (o.preview() != null) {
            w.println("  wrote " + o.preview());
        }
        w.flush();
    }

    private static String shares(SceneMapper.Result r, ClassScheme classes) {
        long valid = 0;
        for (long c : r.classPixels()) {
            valid += c;
        }
        StringBuilder sb = new StringBuilder(";");
        for (int c = 0; c < classes.classes(); c++) {
            sb.append(String.format(Locale.ROOT, " %s %.1f%%", classes.names().get(c),
                    valid == 0 ? 0 : 100.0 * r.classPixels()[c] / valid));
        }
        if (r.nodataPixels() > 0) {
            sb.append(String.format(Locale.ROOT, "; no data %d px", r.nodataPixels()));
        }
        return sb.toString();
    }
}
