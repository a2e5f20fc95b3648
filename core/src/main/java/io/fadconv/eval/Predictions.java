package io.fadconv.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** From logits to class ids, and into a confusion matrix. */
public final class Predictions {

    private Predictions() {}

    /**
     * The predicted class of every pixel.
     *
     * @param logits {@code [B, K, H, W]}, or {@code [B, 1, H, W]} for a single-logit binary model
     * @param binaryLogit whether the model has one logit (class 1 where the logit is > 0, i.e.
     *     sigmoid > 0.5) rather than one per class (argmax; the lowest id wins a tie)
     * @return int32 {@code [B, H, W]}, attached to the logits' manager
     */
    public static NDArray classes(NDArray logits, boolean binaryLogit) {
        if (logits.getShape().dimension() != 4) {
            throw new IllegalArgumentException("logits must be [B, K, H, W], got "
                    + logits.getShape());
        }
        if (binaryLogit) {
            if (logits.getShape().get(1) != 1) {
                throw new IllegalArgumentException("a single-logit model has logits [B, 1, H, W],"
                        + " got " + logits.getShape());
            }
            return logits.squeeze(1).gt(0).toType(DataType.INT32, false);
        }
        return logits.argMax(1).toType(DataType.INT32, false);
    }

    /**
     * Adds a batch to a confusion matrix.
     *
     * @param cm the matrix
     * @param logits the model output
     * @param labels int64 {@code [B, H, W]} class ids
     * @param binaryLogit see {@link #classes}
     */
    public static void accumulate(ConfusionMatrix cm, NDArray logits, NDArray labels,
            boolean binaryLogit) {
        NDArray pred = classes(logits, binaryLogit);
        if (!pred.getShape().equals(labels.getShape())) {
            throw new IllegalArgumentException("predictions " + pred.getShape()
                    + " and labels " + labels.getShape() + " differ in shape");
        }
        cm.add(labels.toType(DataType.INT64, false).toLongArray(), pred.toIntArray());
    }
}
