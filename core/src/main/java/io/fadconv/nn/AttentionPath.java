package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A dynamic convolution whose attention branch can run alone, so benchmarks and attention maps can
 * measure or read it without the convolution.
 */
public interface AttentionPath {

    /**
     * Runs the attention branch only: descriptor, attention networks and normalisation.
     *
     * @param ps the parameter store
     * @param x the input {@code [B, C, H, W]}
     * @param training whether this is a training pass
     * @return the attention values, one row per sample {@code [B, ...]} (for several attentions,
     *     their concatenation)
     */
    NDArray attentionPath(ParameterStore ps, NDArray x, boolean training);
}
