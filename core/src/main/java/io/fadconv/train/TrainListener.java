package io.fadconv.train;

/**
 * What a training run reports while it runs; the CLI turns it into a progress bar. Every method
 * has an empty default. An exception thrown here stops the run at once, as a crash would (no
 * file is written on the way out), which tests use to simulate a kill.
 */
public interface TrainListener {

    /**
     * A line for the user (data found, resumed from where, ...).
     *
     * @param line the message
     */
    default void message(String line) {}

    /**
     * The model is built (and restored when resuming); training starts next. The model is
     * live: it changes with every step.
     *
     * @param model the model being trained
     */
    default void started(io.fadconv.model.SegmentationModel model) {}

    /**
     * An epoch starts.
     *
     * @param epoch the epoch, from 1
     * @param epochs the planned epochs
     * @param steps steps in the epoch
     * @param firstStep the first step to run (more than 0 when resuming mid-epoch)
     * @param batch tiles per step
     */
    default void epochStarted(int epoch, int epochs, int steps, int firstStep, int batch) {}

    /**
     * A training step finished.
     *
     * @param epoch the epoch, from 1
     * @param step the step, from 1
     * @param steps steps in the epoch
     * @param loss the step's loss
     * @param tilesPerSecond training throughput over this epoch's steps so far
     */
    default void stepFinished(int epoch, int step, int steps, double loss,
            double tilesPerSecond) {}

    /**
     * Validation made progress.
     *
     * @param epoch the epoch, from 1
     * @param tiles tiles done
     * @param total tiles in all
     */
    default void validating(int epoch, int tiles, int total) {}

    /**
     * An epoch finished (weights, metrics and checkpoint are written).
     *
     * @param metrics the epoch's metrics
     * @param best whether it is the best epoch so far
     */
    default void epochFinished(EpochMetrics metrics, boolean best) {}

    /**
     * A checkpoint was written.
     *
     * @param epoch the epoch in progress, from 1
     * @param step steps done in it
     */
    default void checkpointed(int epoch, int step) {}
}
