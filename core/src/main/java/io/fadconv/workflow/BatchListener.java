package io.fadconv.workflow;

/** Progress of a batch, over pairs and megapixels (core code never prints; the CLI draws it). */
public interface BatchListener {

    /** Ignores progress. */
    BatchListener NONE = new BatchListener() { };

    /**
     * Scene pixels mapped so far, both dates of every pair counted. An engine counts the pairs
     * it was given; {@link BatchCna} passes them on counted over the whole batch.
     *
     * @param done pixels done
     * @param total pixels of all pairs to map
     * @param pairsDone pairs finished (mapped or failed; in a batch also reused, or refused
     *     by the input checks)
     * @param pairs pairs to map (in a batch: all its pairs)
     */
    default void progress(long done, long total, int pairsDone, int pairs) { }

    /**
     * A pair is finished.
     *
     * @param result what became of it
     */
    default void finished(PairResult result) { }
}
