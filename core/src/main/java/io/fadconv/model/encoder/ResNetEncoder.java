package io.fadconv.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchStateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet18/34 (basic blocks) in torchvision's layout: a 7x7 stride-2 stem ({@code conv1, bn1}),
 * 3x3 max pooling, four stages {@code layer1..layer4} of basic blocks with 64, 128, 256, 512
 * channels (times the width multiplier) and strides 1, 2, 2, 2. Feature channels
 * {@code [in, 64w, 64w, 128w, 256w, 512w]}. For output stride 16 (8) the last (two) stages are
 * dilated instead of strided, as smp's {@code make_dilated} does.
 *
 * <p>Convolution scopes, which are the KernelWarehouse warehouses, follow the official
 * {@code KW_ResNet} ({@code OSVAI/KernelWarehouse models/kw_resnet.py} with the published
 * {@code sharing_range} "layer_conv"): scope {@code encoder.stageN} holds {@code layer(N+1)}'s
 * convolutions, except that the first block's {@code conv1} and {@code downsample.0} of stages 1-3
 * go to the previous stage's scope (stage 0 has no downsample); the stem is {@code encoder.stem}.
 * Warehouses are numbered in that order (stage 0 first), as the official ones. A dilated stage
 * keeps the scopes of the strided network it is made from.
 */
public final class ResNetEncoder extends Encoder {

    /** Blocks per stage of ResNet18. */
    public static final int[] RESNET18 = {2, 2, 2, 2};
    /** Blocks per stage of ResNet34. */
    public static final int[] RESNET34 = {3, 4, 6, 3};

    private static final byte VERSION = 1;
    private static final int[] BASE = {64, 128, 256, 512};

    private final int[] blocks;
    private final double width;
    private final int outputStride;
    private final int[] channels;
    private final ConvBnAct stem;
    private final List<List<BasicBlock>> stages = new ArrayList<>();

    /**
     * Builds the encoder.
     *
     * @param f the model's convolution factory
     * @param blocks blocks per stage ({@link #RESNET18}, {@link #RESNET34})
     * @param width the width multiplier (1 for the standard network, 0.25 for the paper's
     *     lightweight variant with stages [16, 32, 64, 128])
     * @param inChannels input channels (3 for RGB, 4 for BGRN)
     * @param outputStride 32 (no dilation), 16 or 8
     */
    public ResNetEncoder(ConvFactory f, int[] blocks, double width, int inChannels,
            int outputStride) {
        super(VERSION);
        if (blocks.length != 4) {
            throw new IllegalArgumentException("ResNet needs 4 stages, got " + blocks.length);
        }
        if (!(width > 0) || Math.round(64 * width) < 1) {
            throw new IllegalArgumentException(
                    "ResNet width multiplier must be > 0 with 64 * width >= 1, got " + width);
        }
        if (outputStride != 32 && outputStride != 16 && outputStride != 8) {
            throw new IllegalArgumentException(
                    "ResNet output stride must be 32, 16 or 8, got " + outputStride);
        }
        this.blocks = blocks.clone();
        this.width = width;
        this.outputStride = outputStride;
        int stemChannels = scaled(64, width);
        channels = new int[] {inChannels, stemChannels, scaled(BASE[0], width),
            scaled(BASE[1], width), scaled(BASE[2], width), scaled(BASE[3], width)};
        var init = TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT);
        f.scope("encoder.stem");
        stem = addChildBlock("stem", new ConvBnAct(
                f.conv("encoder.conv1", ConvRole.STEM,
                        ConvGeometry.same(inChannels, stemChannels, 7, 2), init),
                ConvBnAct.Act.RELU, "conv1", "bn1"));
        int in = stemChannels;
        int dilation = 1;
        int reduction = 4;
        for (int s = 0; s < 4; s++) {
            String name = "layer" + (s + 1);
            String scope = stageScope(s);
            f.scope(scope);
            int out = channels[s + 2];
            int stride = s == 0 ? 1 : 2;
            if (stride == 2 && reduction * 2 > outputStride) {
                dilation *= 2;
                stride = 1;
            } else {
                reduction *= stride;
            }
            List<BasicBlock> stage = new ArrayList<>();
            for (int b = 0; b < blocks[s]; b++) {
                // smp dilates every convolution of a dilated stage, the first block included.
                String entry = b == 0 ? stageScope(Math.max(s - 1, 0)) : scope;
                stage.add(addChildBlock(name + "." + b, new BasicBlock(f,
                        "encoder." + name + "." + b, scope, entry, in, out, b == 0 ? stride : 1,
                        dilation)));
                in = out;
            }
            stages.add(stage);
        }
    }

    /**
     * The scope (KernelWarehouse warehouse) of a stage.
     *
     * @param stage 0 to 3 ({@code layer1} to {@code layer4})
     * @return {@code encoder.stage<stage>}
     */
    public static String stageScope(int stage) {
        return "encoder.stage" + stage;
    }

    private static int scaled(int base, double width) {
        return (int) Math.max(1, Math.round(base * width));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList features = new NDList(x);
        NDArray y = stem.forward(ps, inputs, training).singletonOrThrow();
        features.add(y);
        y = Pool.maxPool2d(y, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        for (List<BasicBlock> stage : stages) {
            for (BasicBlock b : stage) {
                y = b.forward(ps, new NDList(y), training).singletonOrThrow();
            }
            features.add(y);
        }
        return features;
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape[] features = new Shape[FEATURES];
        features[0] = inputs[0];
        Shape y = t.child("", stem, inputs)[0];
        features[1] = y;
        y = t.op(TracedOp.maxPool(y, 3, 2, 1));
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < stages.get(s).size(); b++) {
                y = t.single("layer" + (s + 1) + "." + b, stages.get(s).get(b), y);
            }
            features[s + 2] = y;
        }
        return features;
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        stem.torchState(prefix, dict);
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < stages.get(s).size(); b++) {
                dict.child(prefix + "layer" + (s + 1) + "." + b + ".", stages.get(s).get(b));
            }
        }
    }

    @Override
    public int[] outChannels() {
        return channels.clone();
    }

    @Override
    public int outputStride() {
        return outputStride;
    }

    @Override
    public long imagenetClassifierParams() {
        return channels[5] * 1000L + 1000L;
    }

    @Override
    public String describe() {
        int depth = 2 + 2 * java.util.Arrays.stream(blocks).sum();
        return "ResNet" + depth + (width != 1 ? " (width " + width + ")" : "")
                + (outputStride != 32 ? ", output stride " + outputStride : "");
    }
}
