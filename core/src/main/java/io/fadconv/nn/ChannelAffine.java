package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A per-output-channel affine map {@code y[:, o] * scale[o] + shift[o]}: what an inference-mode
 * BatchNorm does to a convolution's output, {@code scale = gamma / sqrt(var + eps)},
 * {@code shift = beta - mean * scale}. A convolution folds it into its weights
 * ({@link AffineFoldable}): {@code W' = W * scale} per output channel and
 * {@code b' = b * scale + shift}.
 *
 * @param scale {@code [O]}
 * @param shift {@code [O]}
 */
public record ChannelAffine(NDArray scale, NDArray shift) {

    /**
     * The map of an inference-mode BatchNorm, computed in double precision.
     *
     * @param gamma the weight
     * @param beta the bias
     * @param mean the running mean
     * @param var the running variance
     * @param eps the epsilon added to the variance
     * @param manager owns the two arrays
     * @return the map
     */
    public static ChannelAffine ofBatchNorm(float[] gamma, float[] beta, float[] mean, float[] var,
            double eps, NDManager manager) {
        int n = gamma.length;
        float[] scale = new float[n];
        float[] shift = new float[n];
        for (int o = 0; o < n; o++) {
            double s = gamma[o] / Math.sqrt((double) var[o] + eps);
            scale[o] = (float) s;
            shift[o] = (float) (beta[o] - mean[o] * s);
        }
        return new ChannelAffine(manager.create(scale), manager.create(shift));
    }

    /** @return the output channels */
    public long channels() {
        return scale.size();
    }

    /**
     * Weights with the scale folded in, {@code W * scale} along the output-channel axis, detached
     * from the parameter's gradient and owned by {@code manager}.
     *
     * @param weights a parameter's array, e.g. {@code [O, C, kh, kw]} (axis 0) or expert kernels
     *     {@code [K, O, C, kh, kw]} (axis 1)
     * @param outputAxis the axis of the output channels
     * @param manager owns the result
     * @return the folded weights
     */
    public NDArray scaled(NDArray weights, int outputAxis, NDManager manager) {
        NDArray s = scale.reshape(along(weights.getShape(), outputAxis));
        s.attach(manager);
        return s.mul(detached(weights, manager));
    }

    /**
     * The bias with the map folded in: {@code bias * scale + shift}, or {@code shift} without a
     * bias, owned by {@code manager}.
     *
     * @param bias {@code [O]}, or null
     * @param manager owns the result
     * @return {@code [O]}
     */
    public NDArray foldedBias(NDArray bias, NDManager manager) {
        NDArray out = bias == null ? shift.duplicate()
                : scale.mul(detached(bias, manager)).add(shift);
        out.attach(manager);
        return out;
    }

    /**
     * Applies the map to an output: {@code y * scale + shift} per channel (axis 1).
     *
     * @param y {@code [B, O, H, W]}
     * @return the mapped output, in {@code y}'s manager
     */
    public NDArray apply(NDArray y) {
        Shape s = y.getShape();
        return y.mul(Layers.reshapeFor(scale, y, along(s, 1)))
                .add(Layers.reshapeFor(shift, y, along(s, 1)));
    }

    /**
     * A per-channel vector {@code [O]} repeated over a batch, {@code [B, O]}: the bias of a
     * per-sample convolution.
     *
     * @param vector {@code [O]}
     * @param x the batch {@code [B, ...]} (its manager receives the result)
     * @return {@code [B, O]}
     */
    public static NDArray perSample(NDArray vector, NDArray x) {
        return Layers.reshapeFor(vector, x, new Shape(1, vector.size()))
                .repeat(0, x.getShape().get(0));
    }

    /** The shape that broadcasts an {@code [O]} vector along {@code axis} of {@code like}. */
    private Shape along(Shape like, int axis) {
        long[] dims = new long[like.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[axis] = scale.size();
        return new Shape(dims);
    }

    /** The array without its gradient history, so nothing computed from it records any. */
    private static NDArray detached(NDArray a, NDManager manager) {
        NDArray d = a.stopGradient();
        d.attach(manager);
        return d;
    }
}
