package io.fadconv.workflow;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.CnaDetector;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneCheck;
import io.fadconv.viz.ClassMapImages;
import io.fadconv.viz.Overlays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Cropland loss between two scenes mapped by a run, as {@code fadconv cna} and the quickstart
 * run it: both class maps with their previews, the change map, its statistics and (on request)
 * the overlay, in a {@link CnaFiles} folder.
 */
public final class CnaWorkflow {

    private CnaWorkflow() {}

    /**
     * Checks the pair ({@link SceneCheck#openPair}: before hours of mapping), maps both dates,
     * detects the change and writes the class map previews; the statistics are saved, the
     * overlay is left to {@link #overlay}.
     *
     * @param run the opened run
     * @param before the t1 scene
     * @param after the t2 scene
     * @param truth a true change mask, if any
     * @param options minimum mapping unit and pixel size
     * @param files where the outputs go
     * @param progress progress of the mapping
     * @return the statistics
     * @throws IOException if a file cannot be read or written
     */
    public static AreaStatistics scenes(MappingRun run, Path before, Path after,
            Optional<Path> truth, CnaOptions options, CnaFiles files, ProgressListener progress)
            throws IOException {
        try (SceneCheck.Pair pair = SceneCheck.openPair(before, after, truth,
                run.trained().normalization(), options, SceneCheck.Further.NONE)) {
            return scenes(run, pair, truth, options, files, progress);
        }
    }

    /**
     * The same for a pair opened checked ({@link SceneCheck#openPair}), mapped through its
     * readers, so that no header is read again (nor by {@link #overlayOn} given
     * {@code pair.after()}).
     *
     * @param run the opened run
     * @param pair both scenes, checked and open
     * @param truth the true change mask the pair was checked with, if any
     * @param options minimum mapping unit and pixel size
     * @param files where the outputs go
     * @param progress progress of the mapping
     * @return the statistics
     * @throws IOException if a file cannot be read or written
     */
    public static AreaStatistics scenes(MappingRun run, SceneCheck.Pair pair,
            Optional<Path> truth, CnaOptions options, CnaFiles files, ProgressListener progress)
            throws IOException {
        return checkedScenes(run, pair.before(), pair.after(), truth, options, files, files,
                progress);
    }

    /**
     * The same for a pair checked already ({@link BatchCna} checks every pair before an engine
     * maps it), writing into {@code files} but recording the paths of {@code published} in the
     * statistics, which are saved once (a batch writes into a staging folder that is renamed
     * when complete).
     */
    static AreaStatistics checkedScenes(MappingRun run, RasterReader before, RasterReader after,
            Optional<Path> truth, CnaOptions options, CnaFiles files, CnaFiles published,
            ProgressListener progress) throws IOException {
        java.nio.file.Files.createDirectories(files.dir());
        CnaDetector cna = new CnaDetector(run.info().classes(), options);
        AreaStatistics stats = cna.detectScenes(run.mapper(), before, after, truth, files,
                Map.of("run", run.dir().toString()), progress);
        // the class maps as they will be found (a batch's staging folder is renamed)
        Map<String, String> in = new LinkedHashMap<>(stats.inputs());
        in.put("beforeClasses", published.beforeClasses().toString());
        in.put("afterClasses", published.afterClasses().toString());
        stats = stats.withInputs(in);
        stats.save(files.statisticsJson(), files.statisticsCsv());
        ClassScheme cls = run.info().classes();
        ClassMapImages.preview(files.beforeClasses(), cls, "t1: " + before.file().getFileName()
                + " (" + run.modelName() + ")", files.beforePreview());
        ClassMapImages.preview(files.afterClasses(), cls, "t2: " + after.file().getFileName()
                + " (" + run.modelName() + ")", files.afterPreview());
        return stats;
    }

    /**
     * Cropland loss between two class maps: the change map and its statistics (saved); the
     * overlay is left to {@link #overlay}.
     *
     * @param classes the classes of both maps
     * @param before the t1 class map
     * @param after the t2 class map
     * @param truth a true change mask, if any
     * @param options minimum mapping unit and pixel size
     * @param files where the outputs go
     * @param run the run the classes come from, recorded in the statistics, or null
     * @param progress progress of the detection
     * @return the statistics
     * @throws IOException if a file cannot be read or written
     */
    public static AreaStatistics maps(ClassScheme classes, Path before, Path after,
            Optional<Path> truth, CnaOptions options, CnaFiles files, Path run,
            ProgressListener progress) throws IOException {
        java.nio.file.Files.createDirectories(files.dir());
        Map<String, String> extra = new LinkedHashMap<>();
        if (run != null) {
            extra.put("run", run.toString());
        }
        AreaStatistics stats = new CnaDetector(classes, options).detect(before, after, truth,
                files.change(), extra, progress);
        stats.save(files.statisticsJson(), files.statisticsCsv());
        return stats;
    }

    /**
     * Draws the cropland loss over the t2 image ({@code change.png}).
     *
     * @param files the CNA folder with its change map
     * @param stats its statistics
     * @param image the t2 image, or null for a grey background
     * @param rgbBands the image's red, green, blue bands (0-based), or null for the default
     * @param title the title line
     * @throws IOException on read or write failure
     */
    public static void overlay(CnaFiles files, AreaStatistics stats, Path image, int[] rgbBands,
            String title) throws IOException {
        Overlays.cna(files.change(), stats, image, rgbBands, title, files.overlay());
    }

    /**
     * The same on the t2 image open already (the scene the pair was mapped through).
     *
     * @param files the CNA folder with its change map
     * @param stats its statistics
     * @param image the t2 image (left open)
     * @param rgbBands the image's red, green, blue bands (0-based), or null for the default
     * @param title the title line
     * @throws IOException on read or write failure
     */
    public static void overlayOn(CnaFiles files, AreaStatistics stats, RasterReader image,
            int[] rgbBands, String title) throws IOException {
        Overlays.cnaOn(files.change(), stats, image, rgbBands, title, files.overlay());
    }

    /**
     * "Cropland loss, t1 a.tif -> t2 b.tif", with parent folders when the names are equal.
     *
     * @param before the t1 file
     * @param after the t2 file
     * @return the title
     */
    public static String title(Path before, Path after) {
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
}
