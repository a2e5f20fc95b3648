package io.fadconv.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.SegmentationDataset;
import io.fadconv.model.FoldedModel;
import io.fadconv.model.SegmentationModel;
import java.io.IOException;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;

/**
 * Runs a model over every tile of a dataset (inference mode, BatchNorms folded into the
 * convolutions: {@link FoldedModel}, the same outputs to float32 rounding and faster) and counts
 * one confusion matrix over all of them.
 */
public final class Evaluator {

    /** Sees each batch's logits and labels (e.g. to add up a validation loss). */
    @FunctionalInterface
    public interface BatchHook {
        /**
         * Called once per batch inside the batch's manager.
         *
         * @param logits the model output
         * @param labels int64 {@code [B, H, W]}
         */
        void accept(NDArray logits, NDArray labels);
    }

    private Evaluator() {}

    /**
     * Evaluates.
     *
     * @param model the network (its current temperatures are used as they are)
     * @param manager the manager of the model's parameters (batches live in sub-managers of it)
     * @param dataset the tiles, in index order
     * @param batchSize tiles per forward pass
     * @param binaryLogit whether the model has a single logit (see {@link Predictions#classes})
     * @param classes the class scheme (names, reported class)
     * @param hook sees every batch, or null
     * @param progress receives the number of tiles done after each batch, or null
     * @return the matrix and metrics
     * @throws IOException when a tile cannot be read
     */
    public static Result evaluate(SegmentationModel model, NDManager manager,
            SegmentationDataset dataset, int batchSize, boolean binaryLogit, ClassScheme classes,
            BatchHook hook, IntConsumer progress) throws IOException {
        ConfusionMatrix cm = new ConfusionMatrix(classes.classes());
        long[] order = LongStream.range(0, dataset.samples().size()).toArray();
        int done = 0;
        try (FoldedModel folded = model.foldBatchNorm();
                Batches batches = new Batches(dataset, order, batchSize, false, 0)) {
            while (batches.hasNext()) {
                Batches.Batch b = batches.next();
                try (NDManager sub = manager.newSubManager()) {
                    NDArray x = b.image(sub);
                    NDArray y = b.label(sub);
                    NDArray logits = folded.logits(x);
                    Predictions.accumulate(cm, logits, y, binaryLogit);
                    if (hook != null) {
                        hook.accept(logits, y);
                    }
                }
                done += b.size();
                if (progress != null) {
                    progress.accept(done);
                }
            }
        }
        return new Result(cm, SegmentationMetrics.of(cm, classes.names(), classes.cropland()));
    }

    /**
     * An evaluation.
     *
     * @param confusion the pixel counts
     * @param metrics the metrics computed from them
     */
    public record Result(ConfusionMatrix confusion, SegmentationMetrics metrics) {}
}
