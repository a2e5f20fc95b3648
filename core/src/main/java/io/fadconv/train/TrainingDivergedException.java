package io.fadconv.train;

/** The loss became NaN or infinite: training stopped, the last good checkpoint is kept. */
public final class TrainingDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception.
     *
     * @param message what happened and what to do
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
