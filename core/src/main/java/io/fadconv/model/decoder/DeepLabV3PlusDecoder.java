package io.fadconv.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.Resize;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchStateDict;
import java.util.Arrays;
import java.util.Locale;

/**
 * The DeepLabV3+ decoder: ASPP on the deepest feature, upsampled to stride 4, concatenated with a
 * 48-channel 1x1 projection of the stride-4 feature ({@code block1}), refined by a 3x3
 * conv-BN-ReLU ({@code block2}). Two variants:
 *
 * <ul>
 *   <li>{@link Variant#PAPER}: plain (not separable) ASPP, no extra convolution after it, a plain
 *       3x3 {@code block2}, bilinear resizing without corner alignment: the decoder of the
 *       original DeepLabV3+ as torchvision-style reimplementations build it. With ResNet18 at
 *       512 x 512 it reproduces the paper's 31.56 G MAdds (docs/cost-vs-paper.md).
 *   <li>{@link Variant#SMP}: segmentation_models_pytorch's {@code DeepLabV3PlusDecoder}:
 *       separable ASPP branches, a separable 3x3 conv-BN-ReLU after ASPP ({@code aspp.1/2}), a
 *       separable {@code block2}, bilinear x4 with {@code align_corners=True}.
 * </ul>
 *
 * <p>Keys follow smp: {@code aspp.0.*} (the ASPP), {@code block1.0/1}, {@code block2.*}.
 */
public final class DeepLabV3PlusDecoder extends Decoder {

    /** Channels of the low-level projection, as the DeepLabV3+ authors propose. */
    public static final int LOW_LEVEL_CHANNELS = 48;

    /** Decoder layouts. */
    public enum Variant {
        /** The original decoder with plain ASPP (reproduces the paper's cost). */
        PAPER,
        /** segmentation_models_pytorch's separable decoder. */
        SMP;

        /** @return the option value */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses an option value.
         *
         * @param v {@code paper} or {@code smp}
         * @return the variant
         * @throws IllegalArgumentException naming the valid values
         */
        public static Variant parse(String v) {
            for (Variant x : values()) {
                if (x.key().equals(v.toLowerCase(Locale.ROOT))) {
                    return x;
                }
            }
            throw new IllegalArgumentException(
                    "unknown DeepLabV3+ variant '" + v + "'; valid: paper, smp");
        }
    }

    private static final byte VERSION = 1;

    private final Variant variant;
    private final int channels;
    private final int[] rates;
    private final Aspp aspp;
    private final ConvBnAct afterAspp;
    private final ConvBnAct block1;
    private final ConvBnAct block2;

    /**
     * Builds the decoder.
     *
     * @param f the model's convolution factory
     * @param encoderChannels the encoder's six feature channels
     * @param channels ASPP and refinement channels (256)
     * @param rates the three atrous rates (6, 12, 18 at output stride 16)
     * @param variant the layout
     * @param dropout dropout after the ASPP projection
     */
    public DeepLabV3PlusDecoder(ConvFactory f, int[] encoderChannels, int channels, int[] rates,
            Variant variant, float dropout) {
        super(VERSION);
        this.variant = variant;
        this.channels = channels;
        this.rates = rates.clone();
        boolean smp = variant == Variant.SMP;
        var init = TorchInit.kaimingUniform(TorchInit.FanMode.FAN_IN);
        f.scope("decoder.aspp");
        aspp = addChildBlock("aspp", new Aspp(f, "decoder.aspp.0", encoderChannels[5], channels,
                rates, smp, dropout));
        f.scope("decoder");
        afterAspp = smp ? addChildBlock("afterAspp", new ConvBnAct(new SeparableConv(f,
                "decoder.aspp.1", ConvRole.DECODER, channels, channels, 3, 1, init),
                ConvBnAct.Act.RELU, "1", "2")) : null;
        block1 = addChildBlock("block1", ConvBnAct.sequential(f.conv("decoder.block1.0",
                ConvRole.DECODER, ConvGeometry.pointwise(encoderChannels[2], LOW_LEVEL_CHANNELS),
                init), ConvBnAct.Act.RELU));
        int cat = channels + LOW_LEVEL_CHANNELS;
        Block refine = smp
                ? new SeparableConv(f, "decoder.block2.0", ConvRole.DECODER, cat, channels, 3, 1,
                        init)
                : f.conv("decoder.block2.0", ConvRole.DECODER,
                        ConvGeometry.same(cat, channels, 3, 1), init);
        block2 = addChildBlock("block2", ConvBnAct.sequential(refine, ConvBnAct.Act.RELU));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList features, boolean training, PairList<String, Object> params) {
        NDList a = aspp.forward(ps, new NDList(features.get(5)), training);
        if (afterAspp != null) {
            a = afterAspp.forward(ps, a, training);
        }
        NDArray low = block1.forward(ps, new NDList(features.get(2)), training)
                .singletonOrThrow();
        NDArray up = Resize.resize(a.singletonOrThrow(), low.getShape().get(2),
                low.getShape().get(3), Resize.Mode.BILINEAR, variant == Variant.SMP);
        return block2.forward(ps, new NDList(up.concat(low, 1)), training);
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] features) {
        Shape a = t.single("aspp.0", aspp, features[5]);
        if (afterAspp != null) {
            a = t.single("aspp", afterAspp, a);
        }
        Shape low = t.single("block1", block1, features[2]);
        Shape up = t.op(TracedOp.interpolate(a, low.get(2), low.get(3), Resize.Mode.BILINEAR));
        Shape cat = t.op(TracedOp.concatChannels(up, low));
        return new Shape[] {t.single("block2", block2, cat)};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.child(prefix + "aspp.0.", aspp);
        if (afterAspp != null) {
            afterAspp.torchState(prefix + "aspp.", dict);
        }
        dict.child(prefix + "block1.", block1);
        dict.child(prefix + "block2.", block2);
    }

    @Override
    public int outChannels() {
        return channels;
    }

    @Override
    public int outputReduction() {
        return 4;
    }

    @Override
    public String describe() {
        return "DeepLabV3+ decoder (" + variant.key() + ", " + channels + " channels, rates "
                + Arrays.toString(rates) + ")";
    }

    /** @return the layout */
    public Variant variant() {
        return variant;
    }
}
