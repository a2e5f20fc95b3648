package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.engine.KernelMemory;

/**
 * Frequency-Aware Dynamic Convolution (FADConv), a drop-in replacement for {@code Conv2d}.
 *
 * <p>K expert kernels are mixed per sample with weights from Frequency Attention (paper section
 * 3): {@link FrequencyAttention} gives one descriptor per channel, a routing network
 * {@code Linear(C, max(32, C/16)) -> ReLU -> Linear(., K)} and {@code softmax(z / T)} give the
 * expert weights, and each sample is convolved with its own mixed kernel (Eqs. 2-4).
 *
 * <p>Numbers and parameter names follow the authors' reference ({@code er-go-proxy/FADConv},
 * {@code FADConv.py}): tensors {@code experts}, {@code fusion.0/2.*}, {@code routing.0/2.*} and
 * the buffer {@code dct.dct_matrix} (see {@link TorchWeights}). Additions of this project, off by
 * default: an optional per-expert {@code bias} {@code [K, O]} (Eq. 3), a pool size other than 16
 * (the reference fixes 16), the fusion modes and GAP attention of the ablations, a temperature.
 */
public final class FadConv extends AbstractDynamicConv
        implements TorchModule, Costed, AttentionPath, AffineFoldable {

    private static final byte VERSION = 1;

    private final FrequencyAttention attention;
    private final SequentialBlock routing;
    private final Parameter expertsParam;
    private final Parameter biasParam;
    private volatile boolean recording;
    private volatile AttentionSnapshot last;

    private FadConv(Builder b) {
        super(VERSION, "FadConv", b);
        attention = addChildBlock("attention", b.frequency.build("FadConv"));
        // Output width is known now; the hidden width needs the input channels (set in prepare).
        routing = addChildBlock("routing", new SequentialBlock());
        expertsParam = addParameter(Parameter.builder()
                .setName("experts")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT))
                .build());
        biasParam = addBiasIfIncluded();
    }

    /**
     * A builder with the reference's defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The routing network's hidden width for {@code c} input channels, as in the reference.
     *
     * @param c input channels
     * @return {@code max(32, c / 16)}
     */
    public static long routingHidden(long c) {
        return Math.max(32, c / 16);
    }

    @Override
    protected void prepare(Shape[] inputs) {
        super.prepare(inputs);
        expertsParam.setShape(expertShape());
        // Overridden here so a caller's blanket setInitializer cannot replace the reference's.
        expertsParam.setInitializer(
                KernelMemory.arranged(TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT)));
        if (biasParam != null) {
            biasParam.setShape(new Shape(experts, filters));
            biasParam.setInitializer(TorchInit.constant(0f));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        attention.initialize(manager, dataType, inputs[0]);
        if (routing.getChildren().isEmpty()) {
            routing.addAll(Layers.mlp(routingHidden(inChannels), experts).getChildren().values());
        }
        Layers.initialize(routing, manager, dataType, new Shape(inputs[0].get(0), inChannels));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray weights = expertWeights(ps, x, training);
        return new NDList(mixAndConvolve(x, weights,
                ps.getValue(expertsParam, x.getDevice(), training),
                biasParam == null ? null : ps.getValue(biasParam, x.getDevice(), training), null));
    }

    /** The scale folded into every expert (and expert bias), the shift into the mixed bias. */
    @Override
    public Folded foldAffine(ChannelAffine affine, NDManager manager) {
        return foldExperts(affine, manager, expertsParam, biasParam, this);
    }

    /**
     * The attention path alone: channel descriptors, routing and softmax, {@code [B, K]}.
     *
     * @param ps the parameter store
     * @param x the input {@code [B, C, H, W]}
     * @param training whether this is a training pass
     * @return the expert weights, each row summing to 1
     */
    public NDArray expertWeights(ParameterStore ps, NDArray x, boolean training) {
        NDArray descriptors = attention.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray logits = routing.forward(ps, new NDList(descriptors), training).singletonOrThrow();
        NDArray weights = (temperature == 1f ? logits : Layers.divide(logits, temperature)).softmax(-1);
        if (recording) {
            last = new AttentionSnapshot(toRows(weights), toRows(descriptors));
        }
        return weights;
    }

    /** The attention path is {@link #expertWeights}. */
    @Override
    public NDArray attentionPath(ParameterStore ps, NDArray x, boolean training) {
        return expertWeights(ps, x, training);
    }

    private static float[][] toRows(NDArray a) {
        long rows = a.getShape().get(0);
        long cols = a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] out = new float[(int) rows][(int) cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, (int) (i * cols), out[i], 0, (int) cols);
        }
        return out;
    }

    /**
     * Turns recording of {@link #lastAttention()} on or off. Off by default, because copying the
     * weights out of the engine costs a synchronisation per forward pass.
     *
     * @param on whether to record
     */
    public void setRecording(boolean on) {
        recording = on;
        if (!on) {
            last = null;
        }
    }

    /**
     * The expert weights and channel descriptors of the last forward pass while recording.
     *
     * @return the snapshot
     * @throws IllegalStateException if recording is off or nothing ran since it was turned on
     */
    public AttentionSnapshot lastAttention() {
        AttentionSnapshot s = last;
        if (s == null) {
            throw new IllegalStateException("no attention recorded: call setRecording(true), "
                    + "then run a forward pass");
        }
        return s;
    }

    /** @return the attention component (descriptor source) */
    public FrequencyAttention getAttention() {
        return attention;
    }

    /** @return the routing network */
    public SequentialBlock getRouting() {
        return routing;
    }

    /** @return the expert kernels parameter {@code [K, O, C/g, kh, kw]} */
    public Parameter getExpertsParameter() {
        return expertsParam;
    }

    /** @return the per-expert bias parameter {@code [K, O]}, or null */
    public Parameter getBiasParameter() {
        return biasParam;
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.parameter(prefix + "experts", expertsParam);
        if (biasParam != null) {
            dict.parameter(prefix + "bias", biasParam);
        }
        attention.torchState(prefix, dict);
        dict.child(prefix + "routing.", routing);
    }

    @Override
    public java.util.Map<String, Long> madds(Shape input) {
        long c = input.get(1);
        Shape out = getOutputShapes(new Shape[] {input})[0];
        long kernel = filters * (c / groups) * kernelShape.get(0) * kernelShape.get(1);
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put(CONV, out.get(2) * out.get(3) * kernel);
        m.put(AGGREGATION, experts * (kernel + (includeBias ? filters : 0)));
        java.util.Map<String, Long> att = attention.madds(input);
        m.put(DCT, att.get(DCT));
        long hidden = routingHidden(c);
        m.put(ATTENTION, att.get(ATTENTION) + c * hidden + hidden * experts);
        return m;
    }

    /**
     * Eq. 5 of the paper: {@code 2 C P^3 + (C^2 + C K) / r + K C O k^2 / groups}, with the
     * reduction r read as the routing network's {@code C / hidden}.
     */
    @Override
    public java.util.Map<String, Long> paperEq5(Shape input) {
        long c = input.get(1);
        long hidden = routingHidden(c);
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("dct", attention.paperDctMadds(c));
        m.put("fat", c * hidden + hidden * experts);
        m.put("dynamic_kernel",
                experts * c * filters * kernelShape.get(0) * kernelShape.get(1) / groups);
        return m;
    }

    @Override
    public String toString() {
        return "FadConv(" + geometry() + ", k=" + experts + ", " + attention
                + (temperature != 1f ? ", t=" + temperature : "") + (includeBias ? ", bias" : "")
                + ")";
    }

    /**
     * The expert weights and channel descriptors of one forward pass.
     *
     * @param weights {@code [B][K]} softmax expert weights
     * @param descriptors {@code [B][C]} channel descriptors from the attention
     */
    public record AttentionSnapshot(float[][] weights, float[][] descriptors) {}

    /** Builds a {@link FadConv}; defaults are the reference's. */
    public static final class Builder extends DynamicConvBuilder<Builder> {
        /** The frequency attention's options; the setters below delegate to it. */
        private final FrequencyAttention.Builder frequency = FrequencyAttention.builder();

        Builder() {}

        /**
         * Sets the adaptive pooling size p before the DCT. Default 16.
         *
         * @param poolSize the pool size
         * @return this builder
         */
        public Builder optPoolSize(int poolSize) {
            frequency.optPoolSize(poolSize);
            return this;
        }

        /**
         * Sets n, the side of the kept top-left (low-frequency) DCT block. Default 4.
         *
         * @param low n, in 1..p
         * @return this builder
         */
        public Builder optLowFrequencies(int low) {
            frequency.optLowFrequencies(low);
            return this;
        }

        /**
         * Sets h, the side of the kept bottom-right (high-frequency) DCT block. Default 0.
         *
         * @param high h, in 0..p
         * @return this builder
         */
        public Builder optHighFrequencies(int high) {
            frequency.optHighFrequencies(high);
            return this;
        }

        /**
         * Sets how the kept coefficients are fused per channel. Default
         * {@link FrequencyFusion#NETWORK}.
         *
         * @param fusion the fusion
         * @return this builder
         */
        public Builder optFusion(FrequencyFusion fusion) {
            frequency.optFusion(fusion);
            return this;
        }

        /**
         * Sets the descriptor source. Default {@link AttentionMode#FAT}; {@link AttentionMode#GAP}
         * gives the "dynamic conv without FAT" row of Table 7.
         *
         * @param attention the attention mode
         * @return this builder
         */
        public Builder optAttention(AttentionMode attention) {
            frequency.optMode(attention);
            return this;
        }

        /**
         * Sets the FcaNet frequency count for {@link FrequencyFusion#FCA}. Default 16.
         *
         * @param count 1, 2, 4, 8, 16 or 32
         * @return this builder
         */
        public Builder optFcaFrequencies(int count) {
            frequency.optFcaFrequencies(count);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the block
         * @throws IllegalArgumentException naming the bad field and the allowed values
         */
        public FadConv build() {
            validate("FadConv");
            return new FadConv(this);
        }
    }
}
