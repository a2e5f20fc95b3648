package io.fadconv.workflow;

import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.PredictOptions;
import io.fadconv.run.RunInfo;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * What a batch CNA job does to every pair: the run that maps the scenes, the output folder, the
 * sliding-window settings and the CNA options. Plain values only, so that the job can be sent to
 * Spark executors as it is.
 *
 * @param run the run folder
 * @param out the output folder (OUT/id/ per pair, OUT/summary.csv and .json)
 * @param window model input size, or null for the size the run was trained on
 * @param margin context cropped from each side of a window
 * @param batch windows per forward pass
 * @param minPatch minimum mapping unit in pixels (0 = keep all)
 * @param connectivity 4 or 8
 * @param pixelSize pixel size in metres overriding the georeferencing, or null
 */
public record CnaJob(String run, String out, Integer window, int margin, int batch,
        int minPatch, int connectivity, Double pixelSize) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Validates (the same rules as {@link PredictOptions} and {@link CnaOptions}). */
    public CnaJob {
        if (run == null || run.isBlank() || out == null || out.isBlank()) {
            throw new IllegalArgumentException("a CNA job needs a run folder and an output "
                    + "folder");
        }
        new PredictOptions(window == null ? PredictOptions.DEFAULT_WINDOW : window, margin,
                batch);
        new CnaOptions(minPatch, PatchSieve.Connectivity.parse(Integer.toString(connectivity)),
                pixelSize == null ? OptionalDouble.empty() : OptionalDouble.of(pixelSize));
    }

    /**
     * A job from the options' own types.
     *
     * @param run the run folder
     * @param out the output folder
     * @param window model input size, or null for the run's tile size
     * @param margin the window margin
     * @param batch windows per pass
     * @param options the CNA options
     * @return the job
     */
    public static CnaJob of(Path run, Path out, Integer window, int margin, int batch,
            CnaOptions options) {
        return new CnaJob(run.toAbsolutePath().normalize().toString(),
                out.toAbsolutePath().normalize().toString(), window, margin, batch,
                options.minPatch(), options.connectivity().neighbours(),
                options.pixelSize().isPresent() ? options.pixelSize().getAsDouble() : null);
    }

    /** @return the run folder */
    public Path runDir() {
        return Path.of(run);
    }

    /** @return the output folder */
    public Path outDir() {
        return Path.of(out);
    }

    /** @return the CNA options */
    public CnaOptions cnaOptions() {
        return new CnaOptions(minPatch, PatchSieve.Connectivity.parse(Integer.toString(
                connectivity)), pixelSize == null ? OptionalDouble.empty()
                : OptionalDouble.of(pixelSize));
    }

    /**
     * The window settings for a run.
     *
     * @param info the run
     * @return the options
     */
    public PredictOptions predictOptions(RunInfo info) {
        return new PredictOptions(window != null ? window
                : info.windowOr(PredictOptions.DEFAULT_WINDOW), margin, batch);
    }
}
