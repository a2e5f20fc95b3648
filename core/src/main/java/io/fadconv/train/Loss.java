package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/** The training losses of the paper: cross-entropy (GID) and binary cross-entropy (Hi-CNA). */
public enum Loss {
    /**
     * Cross-entropy over K logits per pixel with int64 class-index targets, mean over pixels
     * ({@code torch.nn.CrossEntropyLoss()}); every class, GID's class 0 included, is a normal
     * class.
     */
    CE,
    /**
     * Binary cross-entropy on one logit per pixel, mean over pixels
     * ({@code torch.nn.BCEWithLogitsLoss()}; the model has one output and class 1 is
     * {@code logit > 0}).
     */
    BCE;

    /**
     * Parses {@code ce} or {@code bce}.
     *
     * @param s the name
     * @return the loss
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Loss parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown loss '" + s + "'; valid: ce "
                    + "(cross-entropy, GID), bce (binary cross-entropy, Hi-CNA)");
        }
    }

    /**
     * The loss of a batch.
     *
     * @param logits {@code [B, K, H, W]} (CE) or {@code [B, 1, H, W]} (BCE)
     * @param labels int64 {@code [B, H, W]} class ids
     * @return a scalar
     */
    public NDArray compute(NDArray logits, NDArray labels) {
        return this == CE ? Losses.crossEntropy(logits, labels)
                : Losses.binaryCrossEntropyWithLogits(logits, labels);
    }

    /** @return {@code ce} or {@code bce} */
    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The number of model outputs for a number of classes.
     *
     * @param classes the classes of the scheme
     * @return classes for CE, 1 for BCE
     */
    public int outputs(int classes) {
        return this == CE ? classes : 1;
    }
}
