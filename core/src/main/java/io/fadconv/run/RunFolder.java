package io.fadconv.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.data.Normalization;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.Annealing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a training run, {@code runs/<name>/}:
 *
 * <pre>
 * run.json             RunInfo: the network, dataset kind, classes
 * normalization.json   bands and per-band mean/std from the training split
 * split.json           the split the run trained on
 * best.params          weights of the best validation epoch (SegmentationModel.save)
 * last.params          weights after the last finished epoch
 * checkpoint.ckpt      everything needed to resume (weights, optimizer, epoch, RNG)
 * metrics.csv/.json    loss and validation metrics per epoch
 * </pre>
 *
 * @param dir the run folder
 */
public record RunFolder(Path dir) {

    /** @return {@code run.json} */
    public Path info() {
        return dir.resolve("run.json");
    }

    /** @return {@code normalization.json} */
    public Path normalization() {
        return dir.resolve("normalization.json");
    }

    /** @return {@code split.json} */
    public Path split() {
        return dir.resolve("split.json");
    }

    /** @return {@code best.params} */
    public Path bestWeights() {
        return dir.resolve("best.params");
    }

    /** @return {@code last.params} */
    public Path lastWeights() {
        return dir.resolve("last.params");
    }

    /** @return {@code checkpoint.ckpt} */
    public Path checkpoint() {
        return dir.resolve("checkpoint.ckpt");
    }

    /** @return {@code metrics.csv} */
    public Path metricsCsv() {
        return dir.resolve("metrics.csv");
    }

    /** @return {@code metrics.json} */
    public Path metricsJson() {
        return dir.resolve("metrics.json");
    }

    /**
     * A trained model ready for inference: network with the best weights, temperatures at their
     * final values, and the run's normalisation.
     *
     * @param info the run description
     * @param model the network
     * @param normalization the input normalisation
     * @param weights the weights file the model was loaded from ({@code best.params}, or
     *     {@code last.params} when the run has no best epoch)
     */
    public record Trained(RunInfo info, SegmentationModel model, Normalization normalization,
            Path weights) {

        /**
         * The same network reading its inputs with another normalisation (a band mapping).
         *
         * @param other the normalisation
         * @return the adapted run
         */
        public Trained withNormalization(Normalization other) {
            return new Trained(info, model, other, weights);
        }
    }

    /**
     * The weights inference uses: {@code best.params}, or {@code last.params} when there is no
     * best epoch (yet).
     *
     * @return the file, which may not exist
     */
    public Path inferenceWeights() {
        return Files.isRegularFile(bestWeights()) ? bestWeights() : lastWeights();
    }

    /**
     * Opens a finished run for inference.
     *
     * @param manager the manager that will own the parameters
     * @param tileSize an input size valid for the model, used to initialise it
     * @return the trained model
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the folder is not a finished run
     */
    public Trained open(NDManager manager, int tileSize) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + (Files.exists(dir)
                    ? ": is a file; give the run folder (runs/NAME)" : ": no such run folder"));
        }
        RunInfo info = RunInfo.load(info());
        Path weights = inferenceWeights();
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException(dir + ": no trained weights (best.params or "
                    + "last.params); has the run finished an epoch?");
        }
        if (!Files.isRegularFile(normalization())) {
            throw new IllegalArgumentException(dir + ": normalization.json is missing");
        }
        Normalization norm = Normalization.load(normalization());
        SegmentationModel model = Models.create(info.model());
        model.initialize(manager, DataType.FLOAT32,
                new Shape(1, info.model().inChannels(), tileSize, tileSize));
        model.load(manager, weights);
        Annealing.finish(model);
        return new Trained(info, model, norm, weights);
    }
}
