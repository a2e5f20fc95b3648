package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.KernelMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ODConv, omni-dimensional dynamic convolution (Li, Zhou & Yao, ICLR 2022), a drop-in replacement
 * for {@code Conv2d}, following the official {@code OSVAI/ODConv modules/odconv.py}.
 *
 * <p>One shared trunk {@code descriptor -> FC(C, hidden, no bias) -> BN -> ReLU}, with
 * {@code hidden = max(int(C * r), 16)} and r = 0.0625, feeds four heads:
 * <ul>
 *   <li>input-channel attention {@code sigmoid(channel_fc / T)}, {@code [B, C]}, scales the input;
 *   <li>filter attention {@code sigmoid(filter_fc / T)}, {@code [B, O]}, scales the output
 *       (skipped for depthwise convolutions, C = groups = O);
 *   <li>spatial attention {@code sigmoid(spatial_fc / T)}, {@code [B, kh kw]}, scales every kernel
 *       position (skipped for 1x1 kernels);
 *   <li>kernel attention {@code softmax(kernel_fc / T)}, {@code [B, K]}, mixes the K kernels
 *       (skipped for K = 1).
 * </ul>
 * Each sample is convolved with {@code sum_k kernel_k * spatial * W_k}. The descriptor is GAP as
 * published, or Frequency Attention for FODConv ({@link Builder#optDescriptor}); its keys then
 * sit under {@code attention.} ({@code attention.fusion.*}, {@code attention.dct.dct_matrix}).
 *
 * <p>State_dict keys are the official ones: {@code weight} {@code [K, O, C/g, kh, kw]},
 * {@code attention.fc.weight} {@code [hidden, C, 1, 1]}, {@code attention.bn.*},
 * {@code attention.channel_fc.*}, {@code attention.filter_fc.*}, {@code attention.spatial_fc.*},
 * {@code attention.kernel_fc.*}. Temperature: 1 in a freshly built layer, as the official
 * {@code Attention} is constructed (so official weights loaded by {@link TorchWeights} give the
 * official numbers); training anneals it from 30 linearly to 1 over the first 10 epochs, per
 * iteration ({@link TemperatureSchedule#odConv}). The attention's BatchNorm cannot compute
 * batch statistics from one sample, so a training pass at batch size 1 uses its running
 * statistics (see {@link Layers#batchNorm}); PyTorch would raise instead.
 */
public final class OdConv extends AbstractDynamicConv
        implements TorchModule, Costed, AttentionPath, AffineFoldable {

    /** The smallest hidden width of the attention trunk, as published. */
    public static final int MIN_HIDDEN = 16;

    private static final byte VERSION = 1;
    private static final AttentionTrunk.Names NAMES = new AttentionTrunk.Names("fc", "bn", true);

    private final double reduction;
    private final float initialTemperature;
    private final int annealEpochs;
    private final FrequencyAttention descriptor;
    private final Parameter weightParam;
    private AttentionTrunk trunk;
    private Linear channelFc;
    private Linear filterFc;
    private Linear spatialFc;
    private Linear kernelFc;

    private OdConv(Builder b) {
        super(VERSION, "OdConv", b);
        reduction = b.reduction;
        initialTemperature = b.annealFrom;
        annealEpochs = b.annealEpochs;
        descriptor = b.descriptor.build();
        weightParam = addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).build());
    }

    /**
     * A builder with the official defaults (K = 4, r = 0.0625, GAP): temperature 1, as the
     * official {@code ODConv2d} is constructed, and training's annealing from 30 to 1 over 10
     * epochs ({@link AttentionConvBuilder#optAnnealFrom}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The trunk's hidden width, as published.
     *
     * @param c input channels
     * @param reduction r
     * @return {@code max(int(c * r), 16)}
     */
    public static long hidden(long c, double reduction) {
        return Math.max((long) (c * reduction), MIN_HIDDEN);
    }

    /**
     * Whether the filter attention is skipped: a depthwise convolution (C = groups = O).
     *
     * @param c input channels
     * @return true when skipped
     */
    public boolean skipsFilter(long c) {
        return c == groups && c == filters;
    }

    /** @return whether the spatial attention is skipped (a 1x1 kernel) */
    public boolean skipsSpatial() {
        return kernelShape.get(0) * kernelShape.get(1) == 1;
    }

    /** @return whether the kernel attention is skipped (K = 1) */
    public boolean skipsKernel() {
        return experts == 1;
    }

    @Override
    protected void prepare(Shape[] inputs) {
        super.prepare(inputs);
        if (trunk == null) {
            long hid = hidden(inChannels, reduction);
            trunk = addChildBlock("attention", new AttentionTrunk(descriptor, hid, true, NAMES));
            channelFc = addChildBlock("channel_fc", Layers.linear(inChannels, true));
            filterFc = skipsFilter(inChannels) ? null
                    : addChildBlock("filter_fc", Layers.linear(filters, true));
            spatialFc = skipsSpatial() ? null
                    : addChildBlock("spatial_fc",
                            Layers.linear(kernelShape.get(0) * kernelShape.get(1), true));
            kernelFc = skipsKernel() ? null
                    : addChildBlock("kernel_fc", Layers.linear(experts, true));
        }
        weightParam.setShape(expertShape());
        weightParam.setInitializer(KernelMemory.arranged(
                TorchInit.perSlice(TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT))));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        trunk.initialize(manager, dataType, inputs[0]);
        Shape h = new Shape(inputs[0].get(0), trunk.hidden());
        for (Linear head : heads()) {
            AttentionTrunk.initializeHead(head, manager, dataType, h);
        }
    }

    private List<Linear> heads() {
        List<Linear> out = new ArrayList<>();
        for (Linear l : new Linear[] {channelFc, filterFc, spatialFc, kernelFc}) {
            if (l != null) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The four attentions of one batch; a skipped one is null (it is 1 in the published code).
     *
     * @param channel {@code [B, C]} input-channel attention
     * @param filter {@code [B, O]} filter attention, or null
     * @param spatial {@code [B, kh kw]} spatial attention, or null
     * @param kernel {@code [B, K]} kernel attention, or null
     */
    public record Attentions(NDArray channel, NDArray filter, NDArray spatial, NDArray kernel) {}

    /**
     * Runs the attention branch.
     *
     * @param ps the parameter store
     * @param x the input {@code [B, C, H, W]}
     * @param training whether this is a training pass
     * @return the four attentions
     */
    public Attentions attentions(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = trunk.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray channel = Activation.sigmoid(head(channelFc, ps, h, training));
        NDArray filter = filterFc == null ? null
                : Activation.sigmoid(head(filterFc, ps, h, training));
        NDArray spatial = spatialFc == null ? null
                : Activation.sigmoid(head(spatialFc, ps, h, training));
        NDArray kernel = kernelFc == null ? null : head(kernelFc, ps, h, training).softmax(-1);
        return new Attentions(channel, filter, spatial, kernel);
    }

    private NDArray head(Linear fc, ParameterStore ps, NDArray h, boolean training) {
        NDArray z = fc.forward(ps, new NDList(h), training).singletonOrThrow();
        return temperature == 1f ? z : Layers.divide(z, temperature);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long b = s.get(0);
        Attentions a = attentions(ps, x, training);
        NDArray w = ps.getValue(weightParam, x.getDevice(), training);
        // Scaling the input by the channel attention equals scaling the kernels' input channels
        // (the official code does the same, for speed).
        NDArray xs = x.mul(a.channel().reshape(b, inChannels, 1, 1));
        NDArray y;
        if (a.kernel() == null && a.spatial() == null) {
            // 1x1 with one kernel: no per-sample kernel (the official _forward_impl_pw1x).
            y = EngineConv.conv2d(xs, Layers.reshapeFor(w, x, w.getShape().slice(1)), null,
                    stride, padding, dilation, groups);
        } else {
            NDArray kernels = a.kernel() == null
                    ? Layers.reshapeFor(w, x, new Shape(1).addAll(w.getShape().slice(1)))
                    : DynamicConv2d.mix(a.kernel(), w);
            if (a.spatial() != null) {
                kernels = kernels.mul(
                        a.spatial().reshape(b, 1, 1, kernelShape.get(0), kernelShape.get(1)));
            }
            y = DynamicConv2d.conv2d(xs, kernels, null, stride, padding, dilation, groups);
        }
        if (a.filter() != null) {
            y = y.mul(a.filter().reshape(b, filters, 1, 1));
        }
        return new NDList(y);
    }

    /**
     * The scale folded into every kernel (the kernel attention mixes them linearly, the spatial
     * attention scales kernel positions, the filter attention output channels: all commute with a
     * per-output-channel scale); the shift becomes the convolution's bias. The filter attention
     * joins the per-sample kernel when the kernel is scaled anyway (by the spatial attention) or
     * is smaller than the output; otherwise it stays on the output, and the shift after it.
     */
    @Override
    public Folded foldAffine(ChannelAffine affine, NDManager manager) {
        NDArray w = KernelMemory.arrange(affine.scaled(weightParam.getArray(), 1, manager));
        NDArray shift = affine.shift();
        return (ps, x) -> {
            long b = x.getShape().get(0);
            Attentions a = attentions(ps, x, false);
            NDArray xs = x.mul(a.channel().reshape(b, inChannels, 1, 1));
            NDArray filter = a.filter() == null ? null : a.filter().reshape(b, filters, 1, 1);
            if (a.kernel() == null && a.spatial() == null) {
                NDArray y = EngineConv.conv2d(xs, Layers.reshapeFor(w, x, w.getShape().slice(1)),
                        filter == null ? shift : null, stride, padding, dilation, groups);
                return filter == null ? y
                        : y.mul(filter).add(Layers.reshapeFor(shift, x, new Shape(1, filters, 1, 1)));
            }
            NDArray kernels = a.kernel() == null
                    ? Layers.reshapeFor(w, x, new Shape(1).addAll(w.getShape().slice(1)))
                    : DynamicConv2d.mix(a.kernel(), w);
            boolean filterOnKernel = filter != null && (a.spatial() != null
                    || kernelSize(inChannels) / filters <= outputPixels(x.getShape()));
            NDArray factor = a.spatial() == null ? null
                    : a.spatial().reshape(b, 1, 1, kernelShape.get(0), kernelShape.get(1));
            if (filterOnKernel) {
                NDArray f = filter.reshape(b, filters, 1, 1, 1);
                factor = factor == null ? f : factor.mul(f);
            }
            if (factor != null) {
                kernels = kernels.mul(factor);
            }
            if (filter == null || filterOnKernel) {
                return DynamicConv2d.conv2d(xs, kernels, ChannelAffine.perSample(shift, x), stride,
                        padding, dilation, groups);
            }
            NDArray y = DynamicConv2d.conv2d(xs, kernels, null, stride, padding, dilation, groups);
            return y.mul(filter).add(Layers.reshapeFor(shift, x, new Shape(1, filters, 1, 1)));
        };
    }

    /**
     * The four attentions side by side, {@code [B, C + O + kh kw + K]} (skipped ones left out).
     */
    @Override
    public NDArray attentionPath(ParameterStore ps, NDArray x, boolean training) {
        Attentions a = attentions(ps, x, training);
        NDList parts = new NDList(a.channel());
        for (NDArray p : new NDArray[] {a.filter(), a.spatial(), a.kernel()}) {
            if (p != null) {
                parts.add(p);
            }
        }
        return parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(parts, 1);
    }

    @Override
    public Optional<TemperatureSchedule> schedule() {
        return Optional.of(TemperatureSchedule.odConv(initialTemperature, annealEpochs));
    }

    /** @return the reduction r */
    public double getReduction() {
        return reduction;
    }

    /** @return the attention trunk (null before initialisation) */
    public AttentionTrunk getTrunk() {
        return trunk;
    }

    /** @return the kernels {@code [K, O, C/g, kh, kw]} */
    public Parameter getWeightParameter() {
        return weightParam;
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.parameter(prefix + "weight", weightParam);
        String att = prefix + "attention.";
        trunk.torchState(att, dict);
        trunk.headState(att + "channel_fc.", channelFc, dict);
        if (filterFc != null) {
            trunk.headState(att + "filter_fc.", filterFc, dict);
        }
        if (spatialFc != null) {
            trunk.headState(att + "spatial_fc.", spatialFc, dict);
        }
        if (kernelFc != null) {
            trunk.headState(att + "kernel_fc.", kernelFc, dict);
        }
    }

    /** Widths of the heads present for {@code c} input channels. */
    private long headUnits(long c) {
        return c + (skipsFilter(c) ? 0 : filters)
                + (skipsSpatial() ? 0 : kernelShape.get(0) * kernelShape.get(1))
                + (skipsKernel() ? 0 : experts);
    }

    /**
     * Multiply-adds of one sample as computed here: {@link #CONV}; {@link #AGGREGATION} mixing
     * the K kernels ({@code K kernel}, none for K = 1) and scaling them by the spatial attention
     * ({@code kernel}); {@link #DCT} and {@link #ATTENTION} for the descriptor, trunk
     * ({@code C hidden + hidden}) and heads ({@code hidden (C + O + kh kw + K)}, present heads
     * only); {@link #OTHER} for scaling the input by the channel attention ({@code C H W}) and
     * the output by the filter attention ({@code O H' W'}).
     */
    @Override
    public Map<String, Long> madds(Shape input) {
        long c = input.get(1);
        long hid = hidden(c, reduction);
        long kernel = kernelSize(c);
        long pixels = outputPixels(input);
        Map<String, Long> t = AttentionTrunk.madds(descriptor, input, hid, true);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(CONV, pixels * kernel);
        m.put(AGGREGATION, (skipsKernel() ? 0 : experts * kernel) + (skipsSpatial() ? 0 : kernel));
        m.put(DCT, t.get(DCT));
        m.put(ATTENTION, t.get(ATTENTION) + hid * headUnits(c));
        m.put(OTHER, c * input.get(2) * input.get(3) + (skipsFilter(c) ? 0 : filters * pixels));
        return m;
    }

    /**
     * Eq. 5's terms read for ODConv: the descriptor's DCT (0 for GAP), the attention networks
     * ({@code C hidden + hidden (C + O + k^2 + K)}) and the kernel mixing
     * ({@code K C O k^2 / groups}).
     */
    @Override
    public Map<String, Long> paperEq5(Shape input) {
        long c = input.get(1);
        long hid = hidden(c, reduction);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("dct", descriptor.paperDctMadds(c));
        m.put("fat", c * hid + hid * headUnits(c));
        m.put("dynamic_kernel", experts * kernelSize(c));
        return m;
    }

    @Override
    public String toString() {
        return "OdConv(" + geometry() + ", k=" + experts + ", r=" + reduction + ", " + descriptor
                + ", t=" + temperature + ")";
    }

    /** Builds an {@link OdConv}; defaults are the official ones. */
    public static final class Builder extends AttentionConvBuilder<Builder> {

        Builder() {
            super(10, 30f);
        }

        /**
         * Validates and builds.
         *
         * @return the block
         * @throws IllegalArgumentException naming the bad field and the allowed values
         */
        public OdConv build() {
            validate("OdConv");
            if (bias) {
                throw new IllegalArgumentException("OdConv: the published ODConv has no bias; "
                        + "build it with bias off (a BatchNorm usually follows)");
            }
            return new OdConv(this);
        }
    }
}
