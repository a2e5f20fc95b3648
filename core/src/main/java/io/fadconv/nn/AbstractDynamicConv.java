package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import io.fadconv.engine.KernelMemory;
import io.fadconv.engine.LiveTaps;

/**
 * What every dynamic convolution block shares: the convolution geometry, the input channel count
 * learnt in {@link #prepare}, the output shape and the temperature.
 */
public abstract class AbstractDynamicConv extends AbstractBlock implements Annealable {

    protected final String owner;
    protected final int filters;
    protected final Shape kernelShape;
    protected final Shape stride;
    protected final Shape padding;
    protected final Shape dilation;
    protected final int groups;
    protected final boolean includeBias;
    protected final int experts;
    protected volatile float temperature;
    protected long inChannels = -1;

    protected AbstractDynamicConv(byte version, String owner, DynamicConvBuilder<?> b) {
        super(version);
        this.owner = owner;
        filters = b.filters;
        kernelShape = b.kernelShape;
        stride = b.stride;
        padding = b.padding;
        dilation = b.dilation;
        groups = b.groups;
        includeBias = b.bias;
        experts = b.experts;
        temperature = b.temperature;
    }

    /**
     * Adds the optional bias parameter (named {@code bias}, initialised to zero, shaped in
     * {@code prepare}) when the builder asked for one.
     *
     * @return the parameter, or null without a bias
     */
    protected final Parameter addBiasIfIncluded() {
        return includeBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                        .optInitializer(TorchInit.constant(0f)).build())
                : null;
    }

    /**
     * Mixes expert kernels (and biases) with per-sample weights and convolves each sample with its
     * own kernel (paper Eqs. 2-4), as DYConv and FADConv do.
     *
     * @param x the input {@code [B, C, H, W]}
     * @param attention the expert weights {@code [B, K]}
     * @param experts {@code [K, O, C / groups, kh, kw]}
     * @param expertBias {@code [K, O]}, or null
     * @param shift a folded BatchNorm's shift {@code [O]} added to every sample's bias, or null
     * @return {@code [B, O, H', W']}
     */
    protected final NDArray mixAndConvolve(NDArray x, NDArray attention, NDArray experts,
            NDArray expertBias, NDArray shift) {
        return DynamicConv2d.mixture(x, attention, experts, expertBias, shift, stride, padding,
                dilation, groups);
    }

    /**
     * Folds an affine map into a mixture of experts: the mixture is linear and each output
     * channel's kernel is mixed from the experts' kernels of that channel, so
     * {@code scale * sum_k a_k W_k = sum_k a_k (scale * W_k)}; the experts (and their biases) are
     * scaled once, and the shift joins the mixed bias.
     *
     * @param affine the map
     * @param manager owns the scaled experts
     * @param experts the expert kernels {@code [K, O, ...]}
     * @param expertBias the expert biases {@code [K, O]}, or null
     * @param path gives the expert weights {@code [B, K]} (run in inference mode)
     * @return the folded convolution
     */
    protected final AffineFoldable.Folded foldExperts(ChannelAffine affine, NDManager manager,
            Parameter experts, Parameter expertBias, AttentionPath path) {
        NDArray e = KernelMemory.arrange(affine.scaled(experts.getArray(), 1, manager));
        NDArray b = expertBias == null ? null : affine.scaled(expertBias.getArray(), 1, manager);
        NDArray shift = affine.shift();
        return (ps, x) -> mixAndConvolve(x, path.attentionPath(ps, x, false), e, b, shift);
    }

    /**
     * Records and checks the input channel count; subclasses shape their parameters after
     * calling this.
     *
     * @param inputs the input shapes
     */
    @Override
    protected void prepare(Shape[] inputs) {
        Shape in = inputs[0];
        if (in.dimension() != 4) {
            throw new IllegalArgumentException(owner + " expects [B, C, H, W] input, got " + in);
        }
        inChannels = in.get(1);
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException(owner + ": input channels (" + inChannels
                    + ") must be divisible by groups (" + groups + ")");
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        return new Shape[] {new Shape(in.get(0), filters,
            LiveTaps.outputSize(in.get(2), kernelShape.get(0), stride.get(0), padding.get(0),
                    dilation.get(0)),
            LiveTaps.outputSize(in.get(3), kernelShape.get(1), stride.get(1), padding.get(1),
                    dilation.get(1)))};
    }

    /** @return the expert kernel shape {@code [K, O, C / groups, kh, kw]} */
    protected Shape expertShape() {
        return new Shape(experts, filters, inChannels / groups, kernelShape.get(0),
                kernelShape.get(1));
    }

    @Override
    public void setTemperature(float t) {
        if (!(t > 0)) {
            throw new IllegalArgumentException(owner + ": temperature must be > 0, got " + t);
        }
        temperature = t;
    }

    @Override
    public float getTemperature() {
        return temperature;
    }

    /** @return output channels */
    public int getFilters() {
        return filters;
    }

    /** @return the kernel shape */
    public Shape getKernelShape() {
        return kernelShape;
    }

    /** @return the stride */
    public Shape getStride() {
        return stride;
    }

    /** @return the padding */
    public Shape getPadding() {
        return padding;
    }

    /** @return the dilation */
    public Shape getDilation() {
        return dilation;
    }

    /** @return the groups */
    public int getGroups() {
        return groups;
    }

    /** @return the number of experts */
    public int getExperts() {
        return experts;
    }

    /** @return whether experts carry a bias */
    public boolean hasBias() {
        return includeBias;
    }

    /** @return the input channels, or -1 before initialisation */
    public long getInChannels() {
        return inChannels;
    }

    /**
     * Multiply-adds of the static convolution of this geometry per output pixel, for {@code c}
     * input channels: {@code O (c / groups) kh kw}, also the size of one expert kernel.
     *
     * @param c input channels
     * @return the count
     */
    protected long kernelSize(long c) {
        return filters * (c / groups) * kernelShape.get(0) * kernelShape.get(1);
    }

    /**
     * Output pixels of one sample.
     *
     * @param input the input shape {@code [B, C, H, W]}
     * @return {@code H' W'}
     */
    protected long outputPixels(Shape input) {
        Shape out = getOutputShapes(new Shape[] {input})[0];
        return out.get(2) * out.get(3);
    }

    /**
     * A one-line description of the geometry, for model summaries.
     *
     * @return e.g. {@code 64->128 3x3 s2 p1}
     */
    protected String geometry() {
        StringBuilder sb = new StringBuilder();
        sb.append(inChannels < 0 ? "?" : String.valueOf(inChannels)).append("->").append(filters)
                .append(' ').append(kernelShape.get(0)).append('x').append(kernelShape.get(1));
        if (stride.get(0) != 1 || stride.get(1) != 1) {
            sb.append(" s").append(stride.get(0));
        }
        if (padding.get(0) != 0 || padding.get(1) != 0) {
            sb.append(" p").append(padding.get(0));
        }
        if (dilation.get(0) != 1 || dilation.get(1) != 1) {
            sb.append(" d").append(dilation.get(0));
        }
        if (groups != 1) {
            sb.append(" g").append(groups);
        }
        return sb.toString();
    }
}
