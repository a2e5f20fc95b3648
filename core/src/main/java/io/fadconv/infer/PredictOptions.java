package io.fadconv.infer;

/**
 * How a scene is cut into model inputs (see {@link WindowGrid} for the rules).
 *
 * @param window model input width and height in pixels (default {@value #DEFAULT_WINDOW}, the
 *     paper's tile size); a multiple of the model's input multiple. Dynamic convolutions (FADConv,
 *     DYConv, ODConv, KW) weight their experts from the whole input, so keep the window at the
 *     size the run was trained on
 * @param margin pixels of context kept on each side of a window's core and then cropped away
 *     (default {@value #DEFAULT_MARGIN}); a multiple of the model's input multiple
 * @param batch windows per forward pass (default {@value #DEFAULT_BATCH})
 */
public record PredictOptions(int window, int margin, int batch) {

    /** The paper's tile size (GID and Hi-CNA are cut into 512 x 512 tiles). */
    public static final int DEFAULT_WINDOW = 512;
    /** Context cropped from each side: a window's core is its central 384 x 384 pixels. */
    public static final int DEFAULT_MARGIN = 64;
    /** Windows per forward pass. */
    public static final int DEFAULT_BATCH = 4;

    /** Validates. */
    public PredictOptions {
        if (window < 1) {
            throw new IllegalArgumentException("window size must be positive, got " + window);
        }
        if (margin < 0) {
            throw new IllegalArgumentException("margin must be >= 0, got " + margin);
        }
        if (window <= 2 * margin) {
            throw new IllegalArgumentException("window " + window + " must be larger than twice the "
                    + "margin " + margin + " (the core, window - 2 x margin, is what each window "
                    + "contributes)");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
    }

    /**
     * The defaults: 512 px windows, 64 px margin, 4 windows per pass.
     *
     * @return the default options
     */
    public static PredictOptions defaults() {
        return new PredictOptions(DEFAULT_WINDOW, DEFAULT_MARGIN, DEFAULT_BATCH);
    }

    /**
     * The same with another window size.
     *
     * @param size the window size
     * @return a copy
     */
    public PredictOptions withWindow(int size) {
        return new PredictOptions(size, margin, batch);
    }

    /**
     * The same with another margin.
     *
     * @param m the margin
     * @return a copy
     */
    public PredictOptions withMargin(int m) {
        return new PredictOptions(window, m, batch);
    }

    /**
     * The same with another batch size.
     *
     * @param b windows per pass
     * @return a copy
     */
    public PredictOptions withBatch(int b) {
        return new PredictOptions(window, margin, b);
    }
}
