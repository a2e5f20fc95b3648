package io.fadconv.cli;

import io.fadconv.infer.PredictOptions;
import picocli.CommandLine.Option;

/** The sliding-window options shared by predict, cna and viz compare. */
final class WindowOptions {

    @Option(names = "--window", paramLabel = "PIXELS",
            description = "Model input size in pixels, a multiple of 32 (default: the tile size "
                    + "the run was trained on, else " + PredictOptions.DEFAULT_WINDOW + "; dynamic "
                    + "convolutions weight their experts from the whole window, so keep it).")
    Integer window;

    @Option(names = "--margin", defaultValue = "" + PredictOptions.DEFAULT_MARGIN,
            description = "Context cropped from each side of a window, a multiple of 32 "
                    + "(${DEFAULT-VALUE}); larger margins agree better with a whole-scene pass "
                    + "and cost more windows.")
    int margin;

    @Option(names = "--batch", defaultValue = "" + PredictOptions.DEFAULT_BATCH,
            description = "Windows per forward pass (${DEFAULT-VALUE}).")
    int batch;

    PredictOptions options(io.fadconv.run.RunInfo run) {
        return new PredictOptions(window != null ? window
                : run.windowOr(PredictOptions.DEFAULT_WINDOW), margin, batch);
    }
}
