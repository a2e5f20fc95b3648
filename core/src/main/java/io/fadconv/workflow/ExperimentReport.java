package io.fadconv.workflow;

import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.train.Experiment;
import io.fadconv.train.ExperimentTable;
import io.fadconv.train.TrainConfig;
import io.fadconv.train.TrainLoop;
import io.fadconv.viz.ExperimentPlots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Train and evaluate: one network with several convolution types ({@link Experiment}), then the
 * paper's table ({@code results.md}, {@code results.json}) and charts ({@code f1-vs-madds.png},
 * {@code loss-curves.png}, {@code validation-curves.png}), as {@code fadconv experiment} and the
 * quickstart make them.
 *
 * @param result the runs and their evaluations
 * @param table {@code results.md}
 * @param json {@code results.json}
 * @param charts the charts written
 */
public record ExperimentReport(Experiment.Result result, Path table, Path json,
        List<Path> charts) {

    /**
     * Trains (reusing finished runs, resuming interrupted ones), evaluates and reports.
     *
     * @param base the config every run shares
     * @param specs the convolution specs, the table's baseline first
     * @param runs the folder of the run folders
     * @param report the folder of the table and charts
     * @param options resume and checkpoint options
     * @param listener progress of the training
     * @return the report
     * @throws IOException when a file cannot be read or written
     */
    public static ExperimentReport run(TrainConfig base, List<String> specs, Path runs,
            Path report, TrainLoop.Options options, Experiment.Listener listener) throws IOException {
        return write(Experiment.run(base, specs, runs, options, listener), report);
    }

    /**
     * Generates the synthetic demo dataset (seed 0, 4 scenes of 1024 x 1024) when a config of a
     * synthetic kind points at a missing folder.
     *
     * @param c the config
     * @param log what is generated, then the generator's progress lines
     * @return whether it was generated
     * @throws IOException on write failure
     */
    public static boolean generateIfMissing(TrainConfig c, Consumer<String> log)
            throws IOException {
        return c.kind().synthetic() && SyntheticDataset.generateIfMissing(c.data(),
                SyntheticConfig.demo(0), 2, log);
    }

    /**
     * Writes the table and charts of finished runs.
     *
     * @param r the runs
     * @param report the folder
     * @return the report
     * @throws IOException when a file cannot be written
     */
    public static ExperimentReport write(Experiment.Result r, Path report) throws IOException {
        Files.createDirectories(report);
        Path md = ExperimentTable.save(r, report);
        List<Path> charts = ExperimentPlots.write(r, report);
        return new ExperimentReport(r, md, report.resolve("results.json"), charts);
    }
}
