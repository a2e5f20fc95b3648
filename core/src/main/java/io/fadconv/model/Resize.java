package io.fadconv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Spatial resizing as {@code torch.nn.functional.interpolate} computes it, for
 * {@code [B, C, H, W]} arrays. DJL's {@code interpolation} ignores {@code align_corners}, so
 * bilinear resizing is done here as two matrix products {@code A_h X A_w^T} with PyTorch's source
 * index formulas (exact, differentiable); nearest resizing uses the engine's own kernel.
 */
public final class Resize {

    /** Interpolation modes of the decoders. */
    public enum Mode {
        /** {@code mode="nearest"}: output pixel i reads input floor(i * in / out). */
        NEAREST("nearest"),
        /** {@code mode="bilinear"}. */
        BILINEAR("bilinear");

        private final String key;

        Mode(String key) {
            this.key = key;
        }

        /** @return the option value */
        public String key() {
            return key;
        }

        /**
         * Parses an option value.
         *
         * @param value {@code nearest} or {@code bilinear}
         * @return the mode
         * @throws IllegalArgumentException naming the valid values
         */
        public static Mode parse(String value) {
            for (Mode m : values()) {
                if (m.key.equals(value.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "unknown interpolation '" + value + "'; valid: nearest, bilinear");
        }
    }

    private static final int DJL_NEAREST = 0;

    private Resize() {}

    /**
     * Resizes {@code x} to {@code h x w}.
     *
     * @param x the input {@code [B, C, H, W]}
     * @param h the output height
     * @param w the output width
     * @param mode the interpolation
     * @param alignCorners PyTorch's {@code align_corners} (bilinear only)
     * @return the resized array
     */
    public static NDArray resize(NDArray x, long h, long w, Mode mode, boolean alignCorners) {
        Shape s = x.getShape();
        if (s.get(2) == h && s.get(3) == w) {
            return x;
        }
        if (mode == Mode.NEAREST) {
            return x.getNDArrayInternal().interpolation(new long[] {h, w}, DJL_NEAREST, false);
        }
        long b = s.get(0);
        long c = s.get(1);
        int inH = (int) s.get(2);
        int inW = (int) s.get(3);
        NDManager m = x.getManager();
        NDArray ah = m.create(bilinearMatrix(inH, (int) h, alignCorners), new Shape(h, inH));
        NDArray awT = m.create(bilinearMatrix(inW, (int) w, alignCorners), new Shape(w, inW))
                .transpose();
        // [B*C*H, W] x [W, w] -> [B*C, H, w]; then [h, H] x [B*C, H, w] -> [B*C, h, w]
        NDArray right = x.reshape(b * c * inH, inW).matMul(awT).reshape(b * c, inH, w);
        return ah.matMul(right).reshape(b, c, h, w);
    }

    /**
     * The bilinear interpolation matrix {@code [out, in]} of one axis, row-major.
     *
     * @param in the input length
     * @param out the output length
     * @param alignCorners PyTorch's {@code align_corners}
     * @return the weights
     */
    public static float[] bilinearMatrix(int in, int out, boolean alignCorners) {
        float[] a = new float[out * in];
        for (int i = 0; i < out; i++) {
            double src;
            if (alignCorners) {
                src = out > 1 ? i * (double) (in - 1) / (out - 1) : 0;
            } else {
                src = Math.max(0, (i + 0.5) * in / out - 0.5);
            }
            int i0 = Math.min((int) Math.floor(src), in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double lambda = src - i0;
            a[i * in + i0] += (float) (1 - lambda);
            a[i * in + i1] += (float) lambda;
        }
        return a;
    }
}
