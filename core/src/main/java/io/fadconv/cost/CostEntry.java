package io.fadconv.cost;

import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * One counted operation of a model, for one sample.
 *
 * @param key the PyTorch key of the layer ({@code encoder.layer1.0.conv1}) or of the block the
 *     functional operation runs in
 * @param kind {@link #CONV}, {@link #DYNAMIC}, {@link #LINEAR}, {@link #BN} or an op kind of
 *     {@link io.fadconv.model.TracedOp} ({@code pool}, {@code interp}, {@code eltwise},
 *     {@code concat})
 * @param detail what it is ({@code 64->64 3x3 s1}, {@code FadConv(...)}, {@code maxpool 3x3 s2})
 * @param input the input shape
 * @param output the output shape
 * @param params trainable parameters first counted here
 * @param madds multiply-adds by part: {@code conv}, {@code linear}, {@code bn}, op kinds, and for
 *     dynamic convolutions the parts of {@link io.fadconv.nn.Costed}
 * @param eq5 for dynamic convolutions, the extra multiply-adds the paper's Eq. 5 gives, by term;
 *     empty otherwise
 */
public record CostEntry(String key, String kind, String detail, Shape input, Shape output,
        long params, Map<String, Long> madds, Map<String, Long> eq5) {

    /** A static convolution. */
    public static final String CONV = "conv";
    /** A dynamic convolution (a {@link io.fadconv.nn.Costed} block). */
    public static final String DYNAMIC = "dynamic";
    /** A fully connected layer. */
    public static final String LINEAR = "linear";
    /** BatchNorm. */
    public static final String BN = "bn";

    /** @return the multiply-adds of all parts */
    public long totalMadds() {
        return madds.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return what a dynamic convolution computes beyond the convolution itself (0 otherwise) */
    public long dynamicExtra() {
        if (!kind.equals(DYNAMIC)) {
            return 0;
        }
        return totalMadds() - madds.getOrDefault(io.fadconv.nn.Costed.CONV, 0L);
    }
}
