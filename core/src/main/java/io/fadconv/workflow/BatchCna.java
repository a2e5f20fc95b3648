package io.fadconv.workflow;

import io.fadconv.data.Normalization;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.SceneCheck;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import io.fadconv.util.ErrorMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cropland loss over many pairs in one job ({@code fadconv cna --pairs}): every pair's outputs
 * in {@code OUT/id/} as {@code fadconv cna} writes them, and {@code OUT/summary.csv} /
 * {@code summary.json} ({@link BatchSummary}).
 *
 * <ol>
 *   <li>Leftovers of interrupted attempts (staging folders) are deleted.</li>
 *   <li>With {@code resume}, pairs whose folder is complete (from the same scenes) are reused.</li>
 *   <li>Every other pair's files are checked, here and only here ({@link SceneCheck#pair}:
 *       readable GeoTIFFs, bands, co-registration, pixel area, truth); a bad pair is reported
 *       with its one-line error and not mapped.</li>
 *   <li>The engine maps the rest (in this JVM or on Spark); a pair that fails is reported, the
 *       others go on.</li>
 *   <li>The summary is written, also when pairs failed.</li>
 * </ol>
 */
public final class BatchCna {

    private BatchCna() {}

    /**
     * Runs a batch.
     *
     * @param job the job
     * @param pairs the pairs ({@link PairList})
     * @param resume reuse complete pairs of an earlier run of the job
     * @param engine where the pairs are mapped
     * @param listener progress
     * @return the summary (already saved); {@link BatchSummary#failed()} lists the failures
     * @throws IOException when the output folder or the summary cannot be written
     * @throws IllegalArgumentException when the run folder is not a finished run
     */
    public static BatchSummary run(CnaJob job, List<PairSpec> pairs, boolean resume,
            BatchEngine engine, BatchListener listener) throws IOException {
        RunFolder folder = new RunFolder(job.runDir());
        if (!Files.isRegularFile(folder.info()) || !Files.isRegularFile(folder.normalization())) {
            throw new IllegalArgumentException(job.run() + ": not a finished run (run.json and "
                    + "normalization.json are needed)");
        }
        ChangeCodes codes = new ChangeCodes(RunInfo.load(folder.info()).classes());
        Normalization norm = Normalization.load(folder.normalization());
        Path out = job.outDir();
        Files.createDirectories(out);
        PairRunner.deleteLeftovers(out);

        PairResult[] results = new PairResult[pairs.size()];
        List<PairSpec> todo = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        List<Long> pixels = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PairSpec p = pairs.get(i);
            Optional<AreaStatistics> done = resume ? PairRunner.completed(job, p, codes)
                    : Optional.empty();
            if (done.isPresent()) {
                results[i] = PairResult.reused(p, done.get());
                listener.finished(results[i]);
                continue;
            }
            try {
                pixels.add(2 * SceneCheck.pair(p.beforePath(), p.afterPath(), p.truthPath(),
                        norm, job.cnaOptions()));
                todo.add(p);
                where.add(i);
            } catch (IOException | IllegalArgumentException e) {
                results[i] = PairResult.failed(p, ErrorMessages.oneLine(e), 0);
                listener.finished(results[i]);
            }
        }
        long[] px = pixels.stream().mapToLong(Long::longValue).toArray();
        List<PairResult> mapped = engine.run(job, todo, px, overAllPairs(listener,
                pairs.size() - todo.size(), pairs.size()));
        if (mapped.size() != todo.size()) {
            throw new IllegalStateException("the engine returned " + mapped.size()
                    + " results for " + todo.size() + " pairs");
        }
        for (int k = 0; k < mapped.size(); k++) {
            results[where.get(k)] = mapped.get(k);
        }
        BatchSummary summary = new BatchSummary(codes, List.of(results));
        summary.save(out, job.run());
        return summary;
    }

    /**
     * The engine counts the pairs it maps; the listener hears of the whole batch, the pairs
     * reused or refused before mapping counted as done.
     */
    private static BatchListener overAllPairs(BatchListener listener, int settled, int pairs) {
        return new BatchListener() {
            @Override
            public void progress(long done, long total, int pairsDone, int mapping) {
                listener.progress(done, total, settled + pairsDone, pairs);
            }

            @Override
            public void finished(PairResult result) {
                listener.finished(result);
            }
        };
    }
}
