package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The front every squeeze-style attention branch shares: a per-channel descriptor
 * ({@link FrequencyAttention}, GAP or FAT), a bias-free fully connected layer to {@code hidden}
 * units, an optional BatchNorm and a ReLU: {@code [B, C, H, W] -> [B, hidden]}. DYConv uses it
 * without the norm ({@code fc1}), ODConv with a 2-D BatchNorm ({@code fc}, {@code bn}) and
 * KernelWarehouse with a 1-D one ({@code fc1}, {@code norm1}); the heads after it are the
 * layers' own.
 *
 * <p>The BatchNorm runs through {@link Layers#batchNorm}, so a training pass at batch size 1 uses
 * the running statistics instead of failing.
 */
public final class AttentionTrunk extends AbstractBlock implements TorchModule {

    private static final byte VERSION = 1;

    /**
     * The PyTorch names of the trunk's layers in one reference.
     *
     * @param fc the fully connected layer's name
     * @param norm the BatchNorm's name (unused without a norm)
     * @param fcIsConv1x1 whether the reference implements the FC layers as 1x1 convolutions
     *     (weights {@code [out, in, 1, 1]})
     */
    public record Names(String fc, String norm, boolean fcIsConv1x1) {}

    private final FrequencyAttention descriptor;
    private final Linear fc;
    private final BatchNorm norm;
    private final Names names;
    private final long hidden;

    /**
     * A trunk.
     *
     * @param descriptor the descriptor source (becomes a child)
     * @param hidden the hidden width
     * @param withNorm whether a BatchNorm follows the FC layer
     * @param names the PyTorch names
     */
    public AttentionTrunk(FrequencyAttention descriptor, long hidden, boolean withNorm, Names names) {
        super(VERSION);
        this.descriptor = addChildBlock("descriptor", descriptor);
        this.hidden = hidden;
        this.names = names;
        fc = addChildBlock(names.fc(), Layers.linear(hidden, false));
        norm = withNorm ? addChildBlock(names.norm(), BatchNorm.builder().build()) : null;
    }

    /** @return the descriptor source */
    public FrequencyAttention descriptor() {
        return descriptor;
    }

    /** @return the hidden width */
    public long hidden() {
        return hidden;
    }

    /** @return whether the trunk has a BatchNorm */
    public boolean hasNorm() {
        return norm != null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray d = descriptor.forward(ps, inputs, training).singletonOrThrow();
        NDArray h = fc.forward(ps, new NDList(d), training).singletonOrThrow();
        if (norm != null) {
            h = Layers.batchNorm(norm, ps, h, training);
        }
        return new NDList(Activation.relu(h));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        descriptor.initialize(manager, dataType, in);
        initializeHead(fc, manager, dataType, new Shape(in.get(0), in.get(1)));
        if (norm != null) {
            norm.initialize(manager, dataType, new Shape(in.get(0), hidden));
        }
    }

    /**
     * Initialises an attention FC layer as all three references do:
     * {@code kaiming_normal_(mode='fan_out', nonlinearity='relu')} weights, zero bias.
     *
     * @param head a Linear
     * @param manager the manager
     * @param dataType the data type
     * @param input its input shape
     */
    static void initializeHead(Block head, NDManager manager, DataType dataType, Shape input) {
        head.setInitializer(TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT),
                Parameter.Type.WEIGHT);
        head.setInitializer(TorchInit.constant(0f), Parameter.Type.BIAS);
        head.initialize(manager, dataType, input);
    }

    /**
     * Adds a head Linear under the reference's name and shape convention of this trunk.
     *
     * @param prefix the full prefix of the head, ending in a dot
     * @param head the Linear
     * @param dict the dictionary
     */
    void headState(String prefix, Block head, TorchStateDict dict) {
        if (names.fcIsConv1x1()) {
            dict.linearAsConv1x1(prefix, head);
        } else {
            dict.child(prefix, head);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), hidden)};
    }

    /**
     * Multiply-adds of one sample of a trunk: the descriptor's ({@link Costed#DCT} and
     * {@link Costed#ATTENTION}) plus {@code C hidden} for the FC layer and {@code hidden} for the
     * norm, in {@link Costed#ATTENTION}. Static so layers can report before initialisation.
     *
     * @param descriptor the descriptor
     * @param input {@code [1, C, H, W]}
     * @param hidden the hidden width
     * @param withNorm whether the trunk has a BatchNorm
     * @return the counts
     */
    static java.util.Map<String, Long> madds(FrequencyAttention descriptor, Shape input,
            long hidden, boolean withNorm) {
        java.util.Map<String, Long> d = descriptor.madds(input);
        long c = input.get(1);
        return java.util.Map.of(Costed.DCT, d.get(Costed.DCT), Costed.ATTENTION,
                d.get(Costed.ATTENTION) + c * hidden + (withNorm ? hidden : 0));
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        descriptor.torchState(prefix, dict);
        headState(prefix + names.fc() + ".", fc, dict);
        if (norm != null) {
            dict.child(prefix + names.norm() + ".", norm);
        }
    }

    @Override
    public String toString() {
        return "AttentionTrunk(" + descriptor + " -> " + hidden + (norm != null ? ", bn" : "")
                + ")";
    }
}
