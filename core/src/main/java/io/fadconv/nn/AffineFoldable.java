package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

/**
 * A convolution that can take a per-output-channel affine map of its output (an inference-mode
 * BatchNorm after it, {@link ChannelAffine}) into its weights, so that the two run as one
 * convolution. Inference only: what {@link #foldAffine} returns never computes gradients, and the
 * block's own forward pass (training included) is unchanged.
 */
public interface AffineFoldable {

    /**
     * Folds a map into this convolution. Whatever can be computed once (weights times the scale)
     * is computed here, from the parameters as they are now, into {@code manager}; the result is
     * stale once the parameters change, so the caller folds again then.
     *
     * @param affine the map, {@code [O]} arrays
     * @param manager owns the precomputed arrays (closing it frees them)
     * @return the folded convolution, or null when this one cannot take the map (a composite
     *     whose last convolution cannot)
     */
    Folded foldAffine(ChannelAffine affine, NDManager manager);

    /** A convolution with an affine map folded in: {@code affine(conv(x))} as one convolution. */
    @FunctionalInterface
    interface Folded {
        /**
         * Runs it in inference mode.
         *
         * @param ps the parameter store (for the parameters that are not folded, e.g. attention)
         * @param x the input {@code [B, C, H, W]}
         * @return {@code [B, O, H', W']}
         */
        NDArray forward(ParameterStore ps, NDArray x);
    }
}
