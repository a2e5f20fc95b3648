package io.fadconv.cli;

import io.fadconv.infer.PredictOptions;
import picocli.CommandLine.Option;

/** The sliding-window options shared by predict, cna and viz compare. */
final class WindowOptions {

    @Option(names = "--window", defaultValue = "" + PredictOptions.DEFAULT_WINDOW,
            description = "Model input size in pixels, a multiple of 32 (${DEFAULT-VALUE}, the "
                    + "paper's tile size; keep the size the run was trained on: dynamic "
                    + "convolutions weight their experts from the whole window).")
    int window;

    @Option(names = "--margin", defaultValue = "" + PredictOptions.DEFAULT_MARGIN,
            description = "Context cropped from each side of a window, a multiple of 32 "
                    + "(${DEFAULT-VALUE}); larger margins agree better with a whole-scene pass "
                    + "and cost more windows.")
    int margin;

    @Option(names = "--batch", defaultValue = "" + PredictOptions.DEFAULT_BATCH,
            description = "Windows per forward pass (${DEFAULT-VALUE}).")
    int batch;

    PredictOptions options() {
        return new PredictOptions(window, margin, batch);
    }
}
