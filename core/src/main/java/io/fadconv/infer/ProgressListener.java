package io.fadconv.infer;

/** Progress of a long computation, for a progress bar (core code never prints). */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = (done, total, what) -> { };

    /**
     * Called after each unit of work.
     *
     * @param done units finished
     * @param total units in all
     * @param what what is being done, e.g. "t1.tif: windows"
     */
    void update(long done, long total, String what);
}
