package io.fadconv.model;

import ai.djl.ndarray.types.Shape;

/**
 * A parameter-free operation inside a block, with its multiply-adds for one sample. Conventions
 * (documented in docs/cost-vs-paper.md): max pooling counts {@code k*k} per output element, global
 * average pooling one per input element, bilinear interpolation four per output element, nearest
 * interpolation and concatenation none, element-wise addition one per element.
 *
 * @param kind the category ({@link #POOL}, {@link #INTERP}, {@link #ELTWISE}, {@link #CONCAT})
 * @param name a short description ({@code maxpool 3x3 s2}, {@code bilinear x4})
 * @param madds multiply-adds for batch 1
 * @param output the output shape
 */
public record TracedOp(String kind, String name, long madds, Shape output) {

    /** Pooling. */
    public static final String POOL = "pool";
    /** Interpolation. */
    public static final String INTERP = "interp";
    /** Element-wise arithmetic. */
    public static final String ELTWISE = "eltwise";
    /** Concatenation (no arithmetic). */
    public static final String CONCAT = "concat";

    /**
     * Max pooling with a square window.
     *
     * @param in the input {@code [B, C, H, W]}
     * @param kernel window side
     * @param stride stride
     * @param padding padding
     * @return the op
     */
    public static TracedOp maxPool(Shape in, int kernel, int stride, int padding) {
        long h = (in.get(2) + 2L * padding - kernel) / stride + 1;
        long w = (in.get(3) + 2L * padding - kernel) / stride + 1;
        Shape out = new Shape(in.get(0), in.get(1), h, w);
        return new TracedOp(POOL, "maxpool " + kernel + "x" + kernel + " s" + stride,
                perSample(out) * kernel * kernel, out);
    }

    /**
     * Global average pooling to {@code [B, C, 1, 1]}.
     *
     * @param in the input
     * @return the op
     */
    public static TracedOp globalAvgPool(Shape in) {
        return new TracedOp(POOL, "global avgpool", perSample(in),
                new Shape(in.get(0), in.get(1), 1, 1));
    }

    /**
     * Interpolation to a size.
     *
     * @param in the input
     * @param h the output height
     * @param w the output width
     * @param mode the mode
     * @return the op
     */
    public static TracedOp interpolate(Shape in, long h, long w, Resize.Mode mode) {
        Shape out = new Shape(in.get(0), in.get(1), h, w);
        long madds = mode == Resize.Mode.NEAREST ? 0 : 4 * perSample(out);
        return new TracedOp(INTERP, mode.key() + " " + in.get(2) + "x" + in.get(3) + "->" + h
                + "x" + w, madds, out);
    }

    /**
     * Element-wise addition of two equal shapes.
     *
     * @param a one operand
     * @param b the other
     * @return the op
     * @throws IllegalArgumentException if the shapes differ
     */
    public static TracedOp add(Shape a, Shape b) {
        if (!a.equals(b)) {
            throw new IllegalArgumentException("cannot add shapes " + a + " and " + b);
        }
        return new TracedOp(ELTWISE, "add", perSample(a), a);
    }

    /**
     * Concatenation along channels.
     *
     * @param parts the shapes, equal except in channels
     * @return the op
     * @throws IllegalArgumentException if batch or spatial sizes differ
     */
    public static TracedOp concatChannels(Shape... parts) {
        long c = 0;
        for (Shape s : parts) {
            if (s.get(0) != parts[0].get(0) || s.get(2) != parts[0].get(2)
                    || s.get(3) != parts[0].get(3)) {
                throw new IllegalArgumentException("cannot concatenate " + parts[0] + " and " + s
                        + " along channels: batch and spatial sizes differ");
            }
            c += s.get(1);
        }
        return new TracedOp(CONCAT, "concat", 0,
                new Shape(parts[0].get(0), c, parts[0].get(2), parts[0].get(3)));
    }

    private static long perSample(Shape s) {
        return s.size() / s.get(0);
    }
}
