package io.fadconv.workflow;

import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.ProgressListener;
import io.fadconv.util.ErrorMessages;
import io.fadconv.util.FilePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One pair of a batch, the same on one machine and on a Spark executor: map it into a staging
 * folder {@code OUT/.id.partial/}, and rename that folder to {@code OUT/id/} when every file is
 * written. {@code OUT/id/} therefore exists only complete; a crash or a failed attempt leaves at
 * most the staging folder (or {@code OUT/.id.old/}, the folder being replaced), which the next
 * attempt at the pair deletes by name, and the next run of the job with every other leftover.
 */
public final class PairRunner {

    private static final String PARTIAL = ".partial";
    private static final String OLD = ".old";
    /** Leftovers of this version ({@code .id.partial}) and of earlier ones ({@code -<random>}). */
    private static final Pattern LEFTOVER = Pattern.compile("\\..+(" + Pattern.quote(PARTIAL)
            + "|" + Pattern.quote(OLD) + ")(-.*)?");

    private PairRunner() {}

    /**
     * Where a pair is written before it is renamed to {@code OUT/id/}. One known name per pair,
     * so that an attempt deletes a dead attempt's folder without listing the output folder (a
     * listing per pair costs time quadratic in the pairs on a shared file system).
     *
     * @param out the output folder
     * @param id the pair's id
     * @return {@code OUT/.id.partial}
     */
    public static Path staging(Path out, String id) {
        return out.resolve("." + id + PARTIAL);
    }

    /** Where {@code OUT/id/} is moved while its replacement is renamed in. */
    private static Path replaced(Path out, String id) {
        return out.resolve("." + id + OLD);
    }

    /**
     * Maps one pair into {@code OUT/id/}: every file {@code fadconv cna} writes for a pair. The
     * pair's files were checked before ({@link BatchCna}, with
     * {@link io.fadconv.infer.SceneCheck#pair}), on the driver when the engine is Spark.
     *
     * @param run the opened run
     * @param job the job
     * @param pair the pair
     * @param progress progress of the pair's mapping
     * @param retryLater true where the caller retries a failed attempt (a Spark task with
     *     attempts left): then an error that is not about the input is thrown, not reported
     * @return the result: mapped, or failed with its one-line error
     * @throws IOException only with {@code retryLater}, for errors worth another attempt
     */
    public static PairResult process(MappingRun run, CnaJob job, PairSpec pair,
            ProgressListener progress, boolean retryLater) throws IOException {
        long start = System.nanoTime();
        Path out = job.outDir();
        Path stage = staging(out, pair.id());
        try {
            FilePaths.deleteTree(stage); // what a dead attempt left
            FilePaths.deleteTree(replaced(out, pair.id()));
            Files.createDirectories(stage);
            CnaFiles files = new CnaFiles(stage);
            AreaStatistics s;
            // both scenes opened once, for their maps and (t2) the overlay
            try (RasterReader before = RasterReader.open(pair.beforePath());
                    RasterReader after = RasterReader.open(pair.afterPath())) {
                s = CnaWorkflow.checkedScenes(run, before, after, pair.truthPath(),
                        job.cnaOptions(), files, new CnaFiles(out.resolve(pair.id())), progress);
                CnaWorkflow.overlayOn(files, s, after, null,
                        CnaWorkflow.title(pair.beforePath(), pair.afterPath()));
            }
            // every pixel of a date is counted once, with data or without; both dates mapped
            long pixels = 2 * (s.validPixels() + s.nodataPixels());
            publish(stage, out.resolve(pair.id()), replaced(out, pair.id()));
            return PairResult.mapped(pair, s, pixels, (System.nanoTime() - start) / 1e9);
        } catch (IOException | RuntimeException e) {
            FilePaths.deleteTree(stage);
            boolean input = e instanceof IllegalArgumentException
                    || e instanceof NoSuchFileException || e instanceof FilePaths.NotAFileException;
            if (retryLater && !input) {
                throw e;
            }
            return PairResult.failed(pair, ErrorMessages.oneLine(e),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The statistics of a pair completed by an earlier run of the same job, if its folder is
     * complete and was made from the same scenes and truth, with the same trained run and the
     * same minimum mapping unit (what the statistics record; window, margin and pixel size are
     * not recorded and so not compared).
     *
     * @param job the job
     * @param pair the pair
     * @param codes the run's change codes
     * @return the statistics, or empty when the pair must be mapped
     */
    public static Optional<AreaStatistics> completed(CnaJob job, PairSpec pair,
            ChangeCodes codes) {
        Path json = new CnaFiles(job.outDir().resolve(pair.id())).statisticsJson();
        if (!Files.isRegularFile(json)) {
            return Optional.empty();
        }
        try {
            AreaStatistics s = AreaStatistics.fromJson(Files.readString(json,
                    StandardCharsets.UTF_8), codes);
            boolean same = pair.beforePath().toString().equals(s.inputs().get("beforeScene"))
                    && pair.afterPath().toString().equals(s.inputs().get("afterScene"))
                    && pair.truthPath().map(Path::toString).orElse("")
                            .equals(s.inputs().getOrDefault("truth", ""))
                    && sameFile(job.runDir(), s.inputs().get("run"))
                    && s.sieve().minPatch() == job.minPatch()
                    && s.sieve().connectivity() == job.connectivity();
            return same ? Optional.of(s) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean sameFile(Path path, String recorded) {
        return recorded != null && path.toAbsolutePath().normalize()
                .equals(Path.of(recorded).toAbsolutePath().normalize());
    }

    /**
     * Deletes what interrupted attempts left in an output folder, of any pair (also of pairs no
     * longer in the list): every staging folder and every folder being replaced. Lists the
     * folder once; a batch calls it once, before its pairs.
     *
     * @param out the output folder
     * @throws IOException when a folder cannot be deleted
     */
    public static void deleteLeftovers(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(out)) {
            found = s.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches())
                    .toList();
        }
        for (Path p : found) {
            FilePaths.deleteTree(p);
        }
    }

    /** Renames the complete staging folder to its final name, replacing an earlier one. */
    private static void publish(Path stage, Path target, Path old) throws IOException {
        boolean replacing = Files.exists(target);
        if (replacing) {
            move(target, old);
        }
        move(stage, target);
        if (replacing) {
            FilePaths.deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
