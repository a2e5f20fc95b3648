package io.fadconv.spark;

import io.fadconv.infer.ProgressListener;
import io.fadconv.workflow.CnaJob;
import io.fadconv.workflow.PairResult;
import io.fadconv.workflow.PairRunner;
import io.fadconv.workflow.PairSpec;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;

/**
 * The Spark task of one pair, on an executor: {@link PairRunner#process} with the executor's
 * shared run, returning the {@link PairResult} as JSON. Bad input (a missing file, scenes not
 * co-registered, too few bands) is reported at once; any other error fails the attempt while
 * Spark has attempts left, so that Spark retries it, and is reported on the last attempt.
 */
final class PairTask implements MapFunction<PairSpec, String> {

    private static final long serialVersionUID = 1L;

    /** Called with the pair's progress on the executor (tests use it to fail an attempt). */
    interface Hook extends Serializable {
        /** Does nothing. */
        Hook NONE = (pair, attempt, what) -> { };

        /**
         * Progress of a pair.
         *
         * @param pair the pair's id
         * @param attempt Spark's attempt number (0 first)
         * @param what the stage
         */
        void progress(String pair, int attempt, String what);
    }

    private final CnaJob job;
    private final int maxAttempts;
    private final Hook hook;

    PairTask(CnaJob job, int maxAttempts, Hook hook) {
        this.job = job;
        this.maxAttempts = maxAttempts;
        this.hook = hook;
    }

    @Override
    public String call(PairSpec pair) throws Exception {
        TaskContext ctx = TaskContext.get();
        int attempt = ctx == null ? 0 : ctx.attemptNumber();
        ProgressListener progress = (done, total, what) -> hook.progress(pair.id(), attempt, what);
        PairResult r = PairRunner.process(ExecutorRuns.get(job), job, pair, progress,
                attempt + 1 < maxAttempts);
        return r.toJson();
    }
}
