package io.fadconv.cli;

import io.fadconv.data.InputCheck;
import io.fadconv.data.Normalization;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.run.RunFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a scene's bands feed a trained run ({@code --bands}) and how strictly a scene unlike the
 * training data is refused ({@code --strict}); shared by predict, cna and viz.
 */
final class SceneBands {

    @Option(names = "--bands", split = ",", paramLabel = "BAND",
            description = "Scene bands (1-based) read as the run's inputs, in the run's order, "
                    + "e.g. 3,2,1,4 (default: the bands the run was trained on).")
    List<Integer> bands;

    @Option(names = "--strict", description = "Refuse a scene whose band statistics lie far "
            + "outside the run's training normalisation (otherwise a warning).")
    boolean strict;

    /**
     * The run with its inputs mapped to the scene's bands ({@code --bands}); unchanged without.
     *
     * @param run the opened run
     * @return the run to map with
     */
    RunFolder.Trained mapBands(RunFolder.Trained run) {
        if (bands == null) {
            return run;
        }
        int[] zeroBased = new int[bands.size()];
        for (int i = 0; i < zeroBased.length; i++) {
            if (bands.get(i) < 1) {
                throw new IllegalArgumentException("--bands are 1-based, got " + bands.get(i));
            }
            zeroBased[i] = bands.get(i) - 1;
        }
        return run.withNormalization(run.normalization().withBands(zeroBased));
    }

    /**
     * Checks a scene against the run's normalisation: reader warnings, notes and warnings on
     * stderr, or an error with {@code --strict}.
     *
     * @param scene the scene
     * @param norm the normalisation it will be mapped with (after {@link #mapBands})
     * @param err where notes and warnings go
     * @throws IOException when the scene cannot be read
     * @throws IllegalArgumentException when {@code --strict} refuses it
     */
    void check(Path scene, Normalization norm, PrintWriter err) throws IOException {
        try (RasterReader r = RasterReader.open(scene)) {
            check(r, norm, err);
        }
    }

    /**
     * The same for an open scene (left open).
     *
     * @param scene the open scene
     * @param norm the normalisation it will be mapped with (after {@link #mapBands})
     * @param err where notes and warnings go
     * @throws IOException when the scene cannot be read
     * @throws IllegalArgumentException when {@code --strict} refuses it
     */
    void check(RasterReader scene, Normalization norm, PrintWriter err) throws IOException {
        Warnings.print(err, scene.file(), scene.warnings());
        InputCheck check = InputCheck.of(scene, norm);
        for (String note : check.notes()) {
            err.println("fadconv: note: " + note);
        }
        for (String w : check.warnings()) {
            if (strict) {
                throw new IllegalArgumentException(w + " (refused by --strict; drop it to "
                        + "map anyway)");
            }
            err.println("fadconv: warning: " + w);
        }
        err.flush();
    }

    /**
     * The run with its inputs mapped to the scene's bands, after checking every scene.
     *
     * @param run the opened run
     * @param scenes the scenes it will map
     * @param err where notes and warnings go
     * @return the run to map with
     * @throws IOException when a scene cannot be read
     */
    RunFolder.Trained adapt(RunFolder.Trained run, List<Path> scenes, PrintWriter err)
            throws IOException {
        RunFolder.Trained mapped = mapBands(run);
        for (Path scene : scenes) {
            check(scene, mapped.normalization(), err);
        }
        return mapped;
    }

    /**
     * Whether any option was given (they apply to one pair only in {@code cna}).
     *
     * @return true when --bands or --strict is set
     */
    boolean given() {
        return bands != null || strict;
    }
}
