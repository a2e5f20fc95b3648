package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The functional ops every dynamic convolution shares, beside the blocks as
 * {@link Conv2d#conv2d} is beside {@link Conv2d}: mixing expert kernels with per-sample
 * attention (paper Eqs. 2-3) and convolving each sample with its own kernel (Eq. 4).
 */
public final class DynamicConv2d {

    private DynamicConv2d() {}

    /**
     * Per-sample weighted sum of experts: {@code out[b] = sum_e attention[b, e] * experts[e]}.
     * One matrix product, {@code [B, K] x [K, numel]}.
     *
     * @param attention {@code [B, K]}
     * @param experts {@code [K, ...]}
     * @return {@code [B, ...]}
     */
    public static NDArray mix(NDArray attention, NDArray experts) {
        Shape es = experts.getShape();
        long k = es.get(0);
        long b = attention.getShape().get(0);
        NDArray flat = attention.matMul(Layers.reshapeFor(experts, attention,
                new Shape(k, es.size() / k)));
        return flat.reshape(new Shape(b).addAll(es.slice(1)));
    }

    /**
     * Convolves each sample with its own kernel, as one grouped convolution over the batch (the
     * reference's formulation): the batch is folded into channels and groups become
     * {@code B * groups}.
     *
     * @param x {@code [B, C, H, W]}
     * @param kernels {@code [B, O, C / groups, kh, kw]}
     * @param bias {@code [B, O]} or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups of each sample's convolution
     * @return {@code [B, O, H', W']}
     */
    public static NDArray conv2d(NDArray x, NDArray kernels, NDArray bias, Shape stride,
            Shape padding, Shape dilation, int groups) {
        Shape xs = x.getShape();
        Shape ks = kernels.getShape();
        long b = xs.get(0);
        long o = ks.get(1);
        if (b == 1) {
            return Conv2d.conv2d(x, kernels.reshape(ks.slice(1)),
                    bias == null ? null : bias.reshape(o), stride, padding, dilation, groups)
                    .singletonOrThrow();
        }
        NDArray folded = x.reshape(1, b * xs.get(1), xs.get(2), xs.get(3));
        NDArray w = kernels.reshape(new Shape(b * o).addAll(ks.slice(2)));
        NDArray y = Conv2d.conv2d(folded, w, bias == null ? null : bias.reshape(b * o), stride,
                padding, dilation, (int) (b * groups)).singletonOrThrow();
        Shape ys = y.getShape();
        return y.reshape(b, o, ys.get(2), ys.get(3));
    }

    /**
     * The output spatial size of a convolution along one axis.
     *
     * @param in the input size
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @return the output size
     */
    public static long outputSize(long in, long kernel, long stride, long padding, long dilation) {
        return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
    }
}
