package io.fadconv.workflow;

import java.io.IOException;
import java.util.List;

/**
 * Where the pairs of a batch are mapped: in this JVM ({@link LocalBatchEngine}) or on Apache
 * Spark (module {@code spark}, found through {@link BatchEngines}). Both map every pair with
 * {@link PairRunner#process}, so their outputs are the same bytes.
 */
public interface BatchEngine {

    /**
     * Maps pairs whose inputs were checked.
     *
     * @param job the job
     * @param pairs the pairs to map
     * @param pixels scene pixels of each pair (both dates), for progress
     * @param listener progress
     * @return one result per pair, in the order of {@code pairs}
     * @throws IOException when the job as a whole cannot run
     */
    List<PairResult> run(CnaJob job, List<PairSpec> pairs, long[] pixels, BatchListener listener)
            throws IOException;

    /** Makes engines by name; implementations are listed in META-INF/services. */
    interface Factory {
        /** @return the engine's name, e.g. "spark" */
        String name();

        /**
         * An engine.
         *
         * @param master where it runs (for Spark: local[2], yarn, k8s://..., or "" for the
         *     master spark-submit set)
         * @return the engine
         */
        BatchEngine create(String master);
    }
}
