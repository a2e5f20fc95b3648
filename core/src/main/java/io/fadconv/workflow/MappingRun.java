package io.fadconv.workflow;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.infer.PredictOptions;
import io.fadconv.infer.SceneMapper;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A finished run opened for mapping: the network with its weights and the normalisation, held
 * by one manager until {@link #close}. Open it once and map many scenes; each caller (thread)
 * takes its own {@link #mapper()}, which shares the network.
 */
public final class MappingRun implements AutoCloseable {

    private final Path dir;
    private final NDManager manager;
    private final RunFolder.Trained trained;
    private final PredictOptions options;

    private MappingRun(Path dir, NDManager manager, RunFolder.Trained trained,
            PredictOptions options) {
        this.dir = dir;
        this.manager = manager;
        this.trained = trained;
        this.options = options;
    }

    /**
     * Opens a run.
     *
     * @param dir the run folder
     * @param windows the window settings for the run
     * @return the opened run; close it
     * @throws IOException when a file of the run cannot be read
     */
    public static MappingRun open(Path dir, Function<RunInfo, PredictOptions> windows)
            throws IOException {
        return open(dir, windows, UnaryOperator.identity());
    }

    /**
     * Opens a run that reads scenes another way: the network with the normalisation the
     * adapter gives (a band mapping, {@link RunFolder.Trained#withNormalization}).
     *
     * @param dir the run folder
     * @param windows the window settings for the run
     * @param adapter the run as scenes are mapped with it
     * @return the opened run; close it
     * @throws IOException when a file of the run cannot be read
     */
    public static MappingRun open(Path dir, Function<RunInfo, PredictOptions> windows,
            UnaryOperator<RunFolder.Trained> adapter) throws IOException {
        NDManager m = Djl.engine().newBaseManager();
        try {
            RunFolder.Trained t = adapter.apply(new RunFolder(dir).open(m, 64));
            return new MappingRun(dir, m, t, windows.apply(t.info()));
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** @return the run folder */
    public Path dir() {
        return dir;
    }

    /** @return the network, normalisation and description */
    public RunFolder.Trained trained() {
        return trained;
    }

    /** @return the run's description */
    public RunInfo info() {
        return trained.info();
    }

    /** @return the window settings */
    public PredictOptions options() {
        return options;
    }

    /** @return "resnet18x0.25-unet fadconv:..." for titles */
    public String modelName() {
        return info().model().name() + " " + info().model().conv();
    }

    /**
     * A mapper for the calling thread (cheap: it shares the network).
     *
     * @return the mapper
     */
    public SceneMapper mapper() {
        return new SceneMapper(trained, options);
    }

    @Override
    public void close() {
        manager.close();
    }
}
