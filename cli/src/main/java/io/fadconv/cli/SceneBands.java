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

    /** No band mapping, warnings only (what the quickstart uses). */
    static SceneBands defaults() {
        return new SceneBands();
    }

    /**
     * The run with its inputs mapped to the scene's bands, after checking every scene: notes and
     * warnings on stderr, or an error with {@code --strict}.
     *
     * @param run the opened run
     * @param scenes the scenes it will map
     * @param err where notes and warnings go
     * @return the run to map with
     * @throws IOException when a scene cannot be read
     */
    RunFolder.Trained adapt(RunFolder.Trained run, List<Path> scenes, PrintWriter err)
            throws IOException {
        Normalization n = run.normalization();
        if (bands != null) {
            int[] zeroBased = new int[bands.size()];
            for (int i = 0; i < zeroBased.length; i++) {
                if (bands.get(i) < 1) {
                    throw new IllegalArgumentException("--bands are 1-based, got " + bands.get(i));
                }
                zeroBased[i] = bands.get(i) - 1;
            }
            n = n.withBands(zeroBased);
        }
        for (Path scene : scenes) {
            try (RasterReader r = RasterReader.open(scene)) {
                Warnings.print(err, scene, r.warnings());
                InputCheck check = InputCheck.of(r, n);
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
        }
        return new RunFolder.Trained(run.info(), run.model(), n);
    }
}
