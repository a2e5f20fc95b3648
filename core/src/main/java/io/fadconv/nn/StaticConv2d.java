package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.engine.EngineConv;

/**
 * DJL's {@link Conv2d} (same parameters, shapes, names and files) whose forward pass goes
 * through {@link EngineConv}, so the engine configuration chosen by the self-check reaches
 * every static convolution of the networks. Built by {@link Convs#staticConv}. Folds a
 * BatchNorm after it into its weight and bias ({@link AffineFoldable}).
 */
public final class StaticConv2d extends Conv2d implements AffineFoldable {

    private StaticConv2d(Builder builder) {
        super(builder);
    }

    /**
     * A builder with {@link Conv2d.Builder}'s options.
     *
     * @return the builder
     */
    public static Builder staticBuilder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs,
            boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = includeBias ? parameterStore.getValue(bias, x.getDevice(), training) : null;
        return new NDList(EngineConv.conv2d(x, w, b, stride, padding, dilation, groups));
    }

    /** {@code W * scale} and {@code b * scale + shift}, computed once. */
    @Override
    public Folded foldAffine(ChannelAffine affine, NDManager manager) {
        NDArray w = affine.scaled(weight.getArray(), 0, manager);
        NDArray b = affine.foldedBias(includeBias ? bias.getArray() : null, manager);
        return (ps, x) -> EngineConv.conv2d(x, w, b, stride, padding, dilation, groups);
    }

    /** {@link Conv2d.Builder} building a {@link StaticConv2d}. */
    public static final class Builder extends Conv2d.Builder {

        private Builder() {}

        @Override
        public StaticConv2d build() {
            validate();
            return new StaticConv2d(this);
        }
    }
}
