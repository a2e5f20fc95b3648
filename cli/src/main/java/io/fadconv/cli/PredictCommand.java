package io.fadconv.cli;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.infer.SceneMapper;
import io.fadconv.infer.WindowGrid;
import io.fadconv.run.RunFolder;
import io.fadconv.viz.ClassMapImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv predict}: class maps of whole scenes with a trained run. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Maps scenes of any size with a trained run: window by window with "
                + "overlap (each window keeps its centre, the margin is cropped), written as a "
                + "class GeoTIFF with the scene's georeferencing and the run's class colours "
                + "(255 = no data), plus a PNG preview with a legend.")
final class PredictCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, description = "The run folder (runs/NAME).")
    Path run;

    @Option(names = "--in", required = true,
            description = "A scene (GeoTIFF) or a folder of scenes (*.tif, *.tiff).")
    Path in;

    @Option(names = "--out", required = true,
            description = "The class map to write (.tif), or a folder for a folder of scenes "
                    + "(one NAME.tif and NAME.png per scene).")
    Path out;

    @Option(names = "--no-preview", description = "Do not write the PNG preview.")
    boolean noPreview;

    @Mixin WindowOptions windows;

    @Mixin SceneBands sceneBands;

    @Override
    public Integer call() throws IOException {
        io.fadconv.viz.Figures.headless();
        PrintWriter w = spec.commandLine().getOut();
        List<Path[]> jobs = jobs();
        try (NDManager m = Djl.engine().newBaseManager();
                ProgressBars bars = ProgressBars.onTerminal()) {
            RunFolder.Trained trained = sceneBands.adapt(new RunFolder(run).open(m, 64),
                    jobs.stream().map(j -> j[0]).toList(), spec.commandLine().getErr());
            SceneMapper mapper = new SceneMapper(trained, windows.options(trained.info()));
            ClassScheme classes = trained.info().classes();
            w.printf(Locale.ROOT, "Run %s: %s %s, bands %s, classes %s%n", run,
                    trained.info().model().name(), trained.info().model().conv(),
                    oneBased(trained.normalization().bands()),
                    String.join(", ", classes.names()));
            w.flush();
            for (Path[] job : jobs) {
                SceneMapper.Result r = mapper.map(job[0], job[1], bars);
                bars.close();
                WindowGrid g = mapper.predictor().plan(
                        io.fadconv.data.raster.GeoTiffReader.info(job[0]));
                w.printf(Locale.ROOT, "%s: %d x %d, %d window%s of %d x %d (margin %d), %.1f s "
                        + "(%.2f megapixels/s)%n", job[0], r.width(), r.height(), r.windows(),
                        r.windows() == 1 ? "" : "s",
                        g.windowWidth(), g.windowHeight(), g.margin(), r.seconds(),
                        r.megapixelsPerSecond());
                w.println("  wrote " + job[1] + shares(r, classes));
                if (!noPreview) {
                    Path png = png(job[1]);
                    ClassMapImages.preview(job[1], classes, job[1].getFileName() + " ("
                            + trained.info().model().name() + " " + trained.info().model().conv()
                            + ")", png);
                    w.println("  wrote " + png);
                }
                w.flush();
            }
        }
        return 0;
    }

    private static String oneBased(int[] bands) {
        return java.util.Arrays.toString(java.util.Arrays.stream(bands).map(b -> b + 1).toArray())
                + " (1-based)";
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

    static Path png(Path tif) {
        String n = tif.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return tif.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".png");
    }

    /** Pairs of (scene, class map). */
    private List<Path[]> jobs() throws IOException {
        List<Path[]> jobs = new ArrayList<>();
        if (Files.isDirectory(in)) {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--in " + in + " is a folder, so --out must be "
                        + "a folder too, but " + out + " is a file");
            }
            if (out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--out must be another folder than --in (the "
                        + "class maps would overwrite the scenes)");
            }
            try (Stream<Path> s = Files.list(in)) {
                s.filter(p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return Files.isRegularFile(p) && (n.endsWith(".tif") || n.endsWith(".tiff"));
                }).sorted().forEach(p -> jobs.add(new Path[] {p,
                        out.resolve(p.getFileName().toString().replaceAll("\\.tiff?$", "")
                                + ".tif")}));
            }
            if (jobs.isEmpty()) {
                throw new IllegalArgumentException(in + ": no .tif scenes in this folder");
            }
            Files.createDirectories(out);
            return jobs;
        }
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException("--in " + in + ": no such file or folder");
        }
        Path target = Files.isDirectory(out) ? out.resolve(in.getFileName()) : out;
        String n = target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!n.endsWith(".tif") && !n.endsWith(".tiff")) {
            throw new IllegalArgumentException("--out " + out + " must be a .tif file (or an "
                    + "existing folder)");
        }
        if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out " + out + " would overwrite the scene");
        }
        jobs.add(new Path[] {in, target});
        return jobs;
    }
}
