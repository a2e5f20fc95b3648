package io.fadconv.model.decoder;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.TracedBlock;
import io.fadconv.model.Tracer;
import io.fadconv.nn.AffineFoldable;
import io.fadconv.nn.ChannelAffine;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;

/**
 * smp's {@code SeparableConv2d}: a depthwise convolution ({@code 0}) then a 1x1 pointwise one
 * ({@code 1}), both without bias. The depthwise half is built in the scope
 * {@code <current scope>.depthwise}: KernelWarehouse cells are cut from the gcd of the channels
 * of a warehouse's layers, and a depthwise layer (1 input channel per group) would cut its
 * pointwise neighbours into single-channel cells with an enormous attention; the official
 * KW MobileNetV2 keeps depthwise and pointwise layers in separate warehouses for the same reason.
 * A BatchNorm after it folds into the pointwise half.
 */
public final class SeparableConv extends TracedBlock implements TorchModule, AffineFoldable {

    private static final byte VERSION = 1;

    private final Block depthwise;
    private final Block pointwise;

    /**
     * A separable convolution.
     *
     * @param f the model's convolution factory
     * @param key its key
     * @param role the role of both halves (where it sits)
     * @param in input channels
     * @param out output channels
     * @param kernel the depthwise kernel side
     * @param dilation the depthwise dilation (padding {@code dilation * (kernel - 1) / 2})
     * @param init the weight initialiser when static
     */
    public SeparableConv(ConvFactory f, String key, ConvRole role, int in, int out, int kernel,
            int dilation, ai.djl.training.initializer.Initializer init) {
        super(VERSION);
        depthwise = addChildBlock("depthwise", f.conv(key + ".0", f.scope() + ".depthwise", role,
                ConvGeometry.same(in, in, kernel, 1).withDilation(dilation).depthwise(), init));
        pointwise = addChildBlock("pointwise", f.conv(key + ".1", role,
                ConvGeometry.pointwise(in, out), init));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return pointwise.forward(ps, depthwise.forward(ps, inputs, training), training);
    }

    /** The map folds into the pointwise half; the depthwise half runs as it is. */
    @Override
    public Folded foldAffine(ChannelAffine affine, NDManager manager) {
        if (!(pointwise instanceof AffineFoldable p)) {
            return null;
        }
        Folded folded = p.foldAffine(affine, manager);
        return folded == null ? null : (ps, x) -> folded.forward(ps,
                depthwise.forward(ps, new NDList(x), false).singletonOrThrow());
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        return t.child("1", pointwise, t.child("0", depthwise, inputs));
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.child(prefix + "0.", depthwise);
        dict.child(prefix + "1.", pointwise);
    }
}
