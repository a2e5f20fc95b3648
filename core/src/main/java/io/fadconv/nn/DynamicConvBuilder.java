package io.fadconv.nn;

import ai.djl.ndarray.types.Shape;

/**
 * The convolution geometry every dynamic convolution shares, in DJL's builder style: {@code set*}
 * is required, {@code opt*} optional with the default in its javadoc.
 *
 * @param <T> the concrete builder type
 */
@SuppressWarnings("unchecked")
public abstract class DynamicConvBuilder<T extends DynamicConvBuilder<T>> {

    int filters;
    Shape kernelShape;
    Shape stride = new Shape(1, 1);
    Shape padding = new Shape(0, 0);
    Shape dilation = new Shape(1, 1);
    int groups = 1;
    boolean bias;
    int experts = 4;
    float temperature = 1f;

    protected DynamicConvBuilder() {}

    /** @return this builder, typed */
    protected T self() {
        return (T) this;
    }

    /**
     * Sets the number of output channels. Required.
     *
     * @param filters the output channels
     * @return this builder
     */
    public T setFilters(int filters) {
        this.filters = filters;
        return self();
    }

    /**
     * Sets the kernel shape (kh, kw). Required.
     *
     * @param kernelShape the kernel shape
     * @return this builder
     */
    public T setKernelShape(Shape kernelShape) {
        this.kernelShape = kernelShape;
        return self();
    }

    /**
     * Sets the stride. Default (1, 1).
     *
     * @param stride the stride
     * @return this builder
     */
    public T optStride(Shape stride) {
        this.stride = stride;
        return self();
    }

    /**
     * Sets the zero padding on each side. Default (0, 0).
     *
     * @param padding the padding
     * @return this builder
     */
    public T optPadding(Shape padding) {
        this.padding = padding;
        return self();
    }

    /**
     * Sets the dilation. Default (1, 1).
     *
     * @param dilation the dilation
     * @return this builder
     */
    public T optDilation(Shape dilation) {
        this.dilation = dilation;
        return self();
    }

    /**
     * Sets the number of groups; input and output channels must both be divisible by it.
     * Default 1; the input channel count gives a depthwise convolution.
     *
     * @param groups the groups
     * @return this builder
     */
    public T optGroups(int groups) {
        this.groups = groups;
        return self();
    }

    /**
     * Sets whether each expert has a bias, mixed like the kernels (paper Eq. 3). Default false.
     *
     * @param bias whether to include a bias
     * @return this builder
     */
    public T optBias(boolean bias) {
        this.bias = bias;
        return self();
    }

    /**
     * Sets the number of expert kernels K. Default 4.
     *
     * @param experts the expert count
     * @return this builder
     */
    public T optExperts(int experts) {
        this.experts = experts;
        return self();
    }

    /**
     * Sets the softmax temperature of the routing. Default 1.
     *
     * @param temperature a positive temperature
     * @return this builder
     */
    public T optTemperature(float temperature) {
        this.temperature = temperature;
        return self();
    }

    /**
     * Validates the shared fields.
     *
     * @param owner the layer name for messages
     */
    protected void validate(String owner) {
        Layers.requireAtLeast(owner, "filters", filters, 1);
        Layers.requirePair(owner, "kernelShape", kernelShape, 1);
        Layers.requirePair(owner, "stride", stride, 1);
        Layers.requirePair(owner, "padding", padding, 0);
        Layers.requirePair(owner, "dilation", dilation, 1);
        Layers.requireAtLeast(owner, "groups", groups, 1);
        if (filters % groups != 0) {
            throw new IllegalArgumentException(owner + ": filters (" + filters
                    + ") must be divisible by groups (" + groups + ")");
        }
        Layers.requireAtLeast(owner, "experts", experts, 1);
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    owner + ": temperature must be a positive finite number, got " + temperature);
        }
    }
}
