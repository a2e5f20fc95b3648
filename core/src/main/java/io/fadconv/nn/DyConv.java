package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.engine.KernelMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * DYConv, dynamic convolution with attention over K kernels (Chen et al., CVPR 2020), a drop-in
 * replacement for {@code Conv2d}: {@code GAP -> FC(C, hidden, no bias) -> ReLU -> FC(hidden, K)
 * -> softmax(z / T)} weights the K expert kernels (and biases) of each sample.
 *
 * <p>The authors did not publish code; this follows the widely used implementation
 * {@code kaijieshi7/Dynamic-convolution-Pytorch} ({@code dynamic_conv.py}, {@code Dynamic_conv2d}),
 * whose numbers and names it reproduces: hidden width {@code int(C * r) + 1} with r = 0.25 (the
 * paper's reduction 4), or K when C = 3; state_dict keys {@code weight} {@code [K, O, C/g, kh,
 * kw]}, {@code bias} {@code [K, O]}, {@code attention.fc1.weight} {@code [hidden, C, 1, 1]},
 * {@code attention.fc2.weight}, {@code attention.fc2.bias}; expert kernels initialised per
 * expert with {@code kaiming_uniform_}, attention layers with {@code kaiming_normal_(fan_out)};
 * temperature 34 lowered by 3 after every epoch down to 1 ({@link TemperatureSchedule#dyConv}).
 *
 * <p>The FADConv paper's own DYConv rows (Table 2: 44.06M parameters against FADConv's 44.07M)
 * match FADConv's routing width {@code max(32, C/16)} rather than this reduction; that
 * configuration is {@code fadconv:att=gap} ({@link FadConv} with GAP attention).
 */
public final class DyConv extends AbstractDynamicConv
        implements TorchModule, Costed, AttentionPath, AffineFoldable {

    private static final byte VERSION = 1;
    private static final AttentionTrunk.Names NAMES = new AttentionTrunk.Names("fc1", "", true);

    private final double reduction;
    private final float initialTemperature;
    private final FrequencyAttention descriptor;
    private final Parameter weightParam;
    private final Parameter biasParam;
    private AttentionTrunk trunk;
    private Linear fc2;

    private DyConv(Builder b) {
        super(VERSION, "DyConv", b);
        reduction = b.reduction;
        initialTemperature = b.temperature;
        descriptor = FrequencyAttention.builder().optMode(AttentionMode.GAP).build();
        weightParam = addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).build());
        biasParam = addBiasIfIncluded();
    }

    /**
     * A builder with the reference's defaults (K = 4, r = 0.25, temperature 34).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The attention's hidden width for {@code c} input channels, as in the reference.
     *
     * @param c input channels
     * @param reduction r
     * @param experts K
     * @return {@code int(c * r) + 1}, or K for c = 3
     */
    public static long hidden(long c, double reduction, int experts) {
        return c == 3 ? experts : (long) (c * reduction) + 1;
    }

    @Override
    protected void prepare(Shape[] inputs) {
        super.prepare(inputs);
        if (trunk == null) {
            trunk = addChildBlock("attention",
                    new AttentionTrunk(descriptor, hidden(inChannels, reduction, experts), false,
                            NAMES));
            fc2 = addChildBlock("fc2", Layers.linear(experts, true));
        }
        weightParam.setShape(expertShape());
        weightParam.setInitializer(KernelMemory.arranged(
                TorchInit.perSlice(TorchInit.kaimingUniform(TorchInit.FanMode.FAN_IN))));
        if (biasParam != null) {
            biasParam.setShape(new Shape(experts, filters));
            biasParam.setInitializer(TorchInit.constant(0f));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        trunk.initialize(manager, dataType, inputs[0]);
        AttentionTrunk.initializeHead(fc2, manager, dataType,
                new Shape(inputs[0].get(0), trunk.hidden()));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray a = attentionPath(ps, x, training);
        return new NDList(mixAndConvolve(x, a, ps.getValue(weightParam, x.getDevice(), training),
                biasParam == null ? null : ps.getValue(biasParam, x.getDevice(), training), null));
    }

    /** The scale folded into every expert (and expert bias), the shift into the mixed bias. */
    @Override
    public Folded foldAffine(ChannelAffine affine, NDManager manager) {
        return foldExperts(affine, manager, weightParam, biasParam, this);
    }

    /**
     * The expert weights {@code softmax(z / T)}, {@code [B, K]}, each row summing to 1.
     */
    @Override
    public NDArray attentionPath(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = trunk.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray z = fc2.forward(ps, new NDList(h), training).singletonOrThrow();
        return (temperature == 1f ? z : Layers.divide(z, temperature)).softmax(-1);
    }

    @Override
    public Optional<TemperatureSchedule> schedule() {
        return Optional.of(TemperatureSchedule.dyConv(initialTemperature));
    }

    /** @return the reduction r */
    public double getReduction() {
        return reduction;
    }

    /** @return the expert kernels {@code [K, O, C/g, kh, kw]} */
    public Parameter getWeightParameter() {
        return weightParam;
    }

    /** @return the expert biases {@code [K, O]}, or null */
    public Parameter getBiasParameter() {
        return biasParam;
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.parameter(prefix + "weight", weightParam);
        if (biasParam != null) {
            dict.parameter(prefix + "bias", biasParam);
        }
        trunk.torchState(prefix + "attention.", dict);
        trunk.headState(prefix + "attention.fc2.", fc2, dict);
    }

    @Override
    public Map<String, Long> madds(Shape input) {
        long c = input.get(1);
        long hid = hidden(c, reduction, experts);
        long kernel = kernelSize(c);
        Map<String, Long> t = AttentionTrunk.madds(descriptor, input, hid, false);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(CONV, outputPixels(input) * kernel);
        m.put(AGGREGATION, experts * (kernel + (includeBias ? filters : 0)));
        m.put(DCT, t.get(DCT));
        m.put(ATTENTION, t.get(ATTENTION) + hid * experts);
        return m;
    }

    /**
     * Eq. 5's terms for DYConv: no DCT, the attention's {@code C hidden + hidden K} and the
     * kernel mixing {@code K C O k^2 / groups}.
     */
    @Override
    public Map<String, Long> paperEq5(Shape input) {
        long c = input.get(1);
        long hid = hidden(c, reduction, experts);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("dct", 0L);
        m.put("fat", c * hid + hid * experts);
        m.put("dynamic_kernel", experts * kernelSize(c));
        return m;
    }

    @Override
    public String toString() {
        return "DyConv(" + geometry() + ", k=" + experts + ", r=" + reduction + ", t="
                + temperature + (includeBias ? ", bias" : "") + ")";
    }

    /** Builds a {@link DyConv}; defaults are the reference's. */
    public static final class Builder extends DynamicConvBuilder<Builder> {
        double reduction = 0.25;

        Builder() {
            temperature = 34f;
        }

        /**
         * Sets the reduction r of the attention's first layer: {@code int(C * r) + 1} hidden
         * units. Default 0.25.
         *
         * @param reduction r, in (0, 1]
         * @return this builder
         */
        public Builder optReduction(double reduction) {
            this.reduction = reduction;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the block
         * @throws IllegalArgumentException naming the bad field and the allowed values
         */
        public DyConv build() {
            validate("DyConv");
            if (!(reduction > 0 && reduction <= 1)) {
                throw new IllegalArgumentException(
                        "DyConv: reduction must be in (0, 1], got " + reduction);
            }
            return new DyConv(this);
        }
    }
}
