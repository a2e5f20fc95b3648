package io.fadconv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.nn.AffineFoldable;
import io.fadconv.nn.Layers;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;

/**
 * Convolution, BatchNorm and an optional activation: smp's {@code Conv2dReLU}, torchvision's
 * {@code Conv2dNormActivation}, a ResNet {@code conv1/bn1} pair. The PyTorch keys of the two
 * parts are given ({@code 0}/{@code 1}, {@code conv1}/{@code bn1}, ...). For inference the
 * BatchNorm can be folded into the convolution ({@link #fold}, used through {@link FoldedModel}).
 */
public final class ConvBnAct extends TracedBlock implements TorchModule {

    /** The activation after the BatchNorm. */
    public enum Act {
        /** None (a linear bottleneck, the second conv of a basic block). */
        NONE,
        /** ReLU. */
        RELU,
        /** ReLU6 (MobileNetV2). */
        RELU6
    }

    private static final byte VERSION = 1;

    private final Block conv;
    private final Block bn;
    private final Act act;
    private final String convKey;
    private final String bnKey;

    /**
     * A conv-BN-activation unit.
     *
     * @param conv the convolution (static or dynamic)
     * @param act the activation
     * @param convKey the convolution's PyTorch key
     * @param bnKey the BatchNorm's PyTorch key
     */
    public ConvBnAct(Block conv, Act act, String convKey, String bnKey) {
        super(VERSION);
        this.conv = addChildBlock("conv", conv);
        this.bn = addChildBlock("bn", Norms.batchNorm2d());
        this.act = act;
        this.convKey = convKey;
        this.bnKey = bnKey;
    }

    /**
     * smp's / torchvision's numbering: conv {@code 0}, BatchNorm {@code 1}.
     *
     * @param conv the convolution
     * @param act the activation
     * @return the unit
     */
    public static ConvBnAct sequential(Block conv, Act act) {
        return new ConvBnAct(conv, act, "0", "1");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (!training && ps instanceof FoldedModel.Store folds) {
            AffineFoldable.Folded folded = folds.folded(this);
            if (folded != null) {
                return new NDList(activate(folded.forward(ps, inputs.singletonOrThrow()), act));
            }
        }
        NDArray y = conv.forward(ps, inputs, training).singletonOrThrow();
        y = Norms.forward(bn, ps, y, training);
        return new NDList(activate(y, act));
    }

    /**
     * The convolution with the BatchNorm's inference-mode map folded in, computed from the
     * parameters and running statistics as they are now.
     *
     * @param manager owns what is precomputed
     * @return the folded convolution, or null when the convolution cannot take it
     */
    AffineFoldable.Folded fold(NDManager manager) {
        return conv instanceof AffineFoldable f ? f.foldAffine(Norms.affine(bn, manager), manager)
                : null;
    }

    /**
     * Applies an activation.
     *
     * @param x the input
     * @param act the activation
     * @return the output
     */
    public static NDArray activate(NDArray x, Act act) {
        switch (act) {
            case RELU:
                return Activation.relu(x);
            case RELU6:
                return Layers.relu6(x);
            default:
                return x;
        }
    }

    @Override
    public Shape[] trace(Tracer tracer, Shape[] inputs) {
        Shape y = tracer.single(convKey, conv, inputs[0]);
        return new Shape[] {tracer.single(bnKey, bn, y)};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.child(prefix + convKey + ".", conv);
        dict.child(prefix + bnKey + ".", bn);
    }

    /** @return the convolution */
    public Block conv() {
        return conv;
    }

    /** @return the BatchNorm */
    public Block bn() {
        return bn;
    }

    @Override
    public String toString() {
        return "ConvBnAct(" + conv + ", " + act + ")";
    }
}
