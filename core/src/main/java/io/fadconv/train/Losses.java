package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Pixel-wise segmentation losses as PyTorch defines them (mean reduction). */
public final class Losses {

    private Losses() {}

    /**
     * {@code torch.nn.functional.cross_entropy(logits, labels)}: the mean over all pixels of
     * {@code -log_softmax(logits)[label]}.
     *
     * @param logits {@code [B, K, H, W]}
     * @param labels int64 {@code [B, H, W]} with ids in {@code 0..K-1}
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        checkShapes(logits, labels);
        NDArray index = labels.toType(DataType.INT64, false).expandDims(1);
        return logits.logSoftmax(1).gather(index, 1).mean().neg();
    }

    /**
     * {@code torch.nn.functional.binary_cross_entropy_with_logits(x, y)} with {@code y} the
     * labels as 0/1 floats: the mean of {@code max(x, 0) - x y + log(1 + exp(-|x|))}, the form
     * that neither overflows nor loses precision for large {@code |x|}.
     *
     * @param logits {@code [B, 1, H, W]}
     * @param labels int64 {@code [B, H, W]} with ids 0 or 1
     * @return a scalar
     */
    public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray labels) {
        checkShapes(logits, labels);
        if (logits.getShape().get(1) != 1) {
            throw new IllegalArgumentException("binary cross-entropy needs one logit per pixel, "
                    + "[B, 1, H, W], got " + logits.getShape() + "; use cross-entropy for "
                    + logits.getShape().get(1) + " classes");
        }
        NDArray x = logits.squeeze(1);
        NDArray y = labels.toType(x.getDataType(), false);
        // relu, not maximum(0f): DJL frees the constant of maximum(Number) before backward needs
        // it (see nn.Layers#scale).
        return x.getNDArrayInternal().relu().sub(x.mul(y)).add(x.abs().neg().exp().add(1f).log())
                .mean();
    }

    private static void checkShapes(NDArray logits, NDArray labels) {
        var l = logits.getShape();
        var t = labels.getShape();
        if (l.dimension() != 4 || t.dimension() != 3 || l.get(0) != t.get(0)
                || l.get(2) != t.get(1) || l.get(3) != t.get(2)) {
            throw new IllegalArgumentException("loss needs logits [B, K, H, W] and labels "
                    + "[B, H, W] of the same B, H, W; got " + l + " and " + t);
        }
    }
}
