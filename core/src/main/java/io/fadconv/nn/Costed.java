package io.fadconv.nn;

import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * A layer that states its own multiply-add count, split by part. The cost counter
 * ({@code io.fadconv.cost}) counts DJL's built-in blocks itself and asks blocks that implement
 * this for theirs, so dynamic convolutions report what they compute, part by part.
 *
 * <p>All counts are for one sample ({@code B = 1}), as the paper's MAdds columns are.
 */
public interface Costed {

    /** The convolution itself: what a static convolution of the same geometry costs. */
    String CONV = "conv";
    /** Mixing expert kernels (and biases) into one kernel per sample. */
    String AGGREGATION = "aggregation";
    /** Pooling and DCT as this implementation computes them (truncated, fused). */
    String DCT = "dct";
    /** The attention networks (fusion, routing, other fully connected layers) and GAP. */
    String ATTENTION = "attention";
    /** Element-wise work that is not a convolution (attention scaling of outputs, ...). */
    String OTHER = "other";

    /**
     * Multiply-adds of one forward pass for one sample, by part.
     *
     * @param input the input shape {@code [1, C, H, W]} (the batch dimension is ignored)
     * @return counts by part name (the constants above)
     */
    Map<String, Long> madds(Shape input);

    /**
     * The extra multiply-adds over a static convolution as the paper's Eq. 5 writes them, term
     * by term ({@code dct} = 2 C P^3, {@code fat}, {@code dynamic_kernel}); empty for layers the
     * equation does not describe.
     *
     * @param input the input shape {@code [1, C, H, W]}
     * @return the terms by name
     */
    default Map<String, Long> paperEq5(Shape input) {
        return Map.of();
    }
}
