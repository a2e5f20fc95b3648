package io.fadconv.nn;

/**
 * Where a convolution sits in a network: everything a factory needs to build any convolution
 * type there.
 *
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernel square kernel side
 * @param stride stride
 * @param padding zero padding
 * @param dilation dilation
 * @param groups groups (inChannels for depthwise)
 * @param bias whether the layer has a bias
 */
public record ConvGeometry(int inChannels, int outChannels, int kernel, int stride, int padding,
        int dilation, int groups, boolean bias) {

    /** Validates. */
    public ConvGeometry {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0
                || dilation < 1 || groups < 1) {
            throw new IllegalArgumentException("invalid convolution geometry: " + describe(
                    inChannels, outChannels, kernel, stride, padding, dilation, groups));
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("channels " + inChannels + "->" + outChannels
                    + " are not divisible by groups " + groups);
        }
    }

    /**
     * A "same" convolution: padding {@code dilation * (kernel - 1) / 2}, no bias.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel kernel side
     * @param stride stride
     * @return the geometry
     */
    public static ConvGeometry same(int in, int out, int kernel, int stride) {
        return new ConvGeometry(in, out, kernel, stride, (kernel - 1) / 2, 1, 1, false);
    }

    /**
     * A 1x1 convolution, stride 1, no bias.
     *
     * @param in input channels
     * @param out output channels
     * @return the geometry
     */
    public static ConvGeometry pointwise(int in, int out) {
        return same(in, out, 1, 1);
    }

    /**
     * The same with another stride.
     *
     * @param s the stride
     * @return a copy
     */
    public ConvGeometry withStride(int s) {
        return new ConvGeometry(inChannels, outChannels, kernel, s, padding, dilation, groups,
                bias);
    }

    /**
     * The same with another dilation and the padding that keeps the size "same" for it,
     * {@code d * (kernel - 1) / 2} (atrous convolutions).
     *
     * @param d the dilation
     * @return a copy
     */
    public ConvGeometry withDilation(int d) {
        return new ConvGeometry(inChannels, outChannels, kernel, stride, d * (kernel - 1) / 2, d,
                groups, bias);
    }

    /**
     * The same with another zero padding.
     *
     * @param p the padding
     * @return a copy
     */
    public ConvGeometry withPadding(int p) {
        return new ConvGeometry(inChannels, outChannels, kernel, stride, p, dilation, groups,
                bias);
    }

    /**
     * The same with a bias, or without.
     *
     * @param b whether the layer has a bias
     * @return a copy
     */
    public ConvGeometry withBias(boolean b) {
        return new ConvGeometry(inChannels, outChannels, kernel, stride, padding, dilation, groups,
                b);
    }

    /**
     * The same as a depthwise convolution: one group per input channel.
     *
     * @return a copy
     */
    public ConvGeometry depthwise() {
        return new ConvGeometry(inChannels, outChannels, kernel, stride, padding, dilation,
                inChannels, bias);
    }

    @Override
    public String toString() {
        return describe(inChannels, outChannels, kernel, stride, padding, dilation, groups);
    }

    private static String describe(int in, int out, int k, int s, int p, int d, int g) {
        return in + "->" + out + " " + k + "x" + k + " s" + s + " p" + p + " d" + d + " g" + g;
    }
}
