package io.fadconv.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.Resize;
import io.fadconv.model.TracedBlock;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;

/**
 * smp's {@code UnetDecoderBlock}: resize to the skip connection's size (x2), concatenate the skip
 * (if any), then two 3x3 conv-BN-ReLU ({@code conv1.0/1}, {@code conv2.0/1}). Inputs:
 * {@code (x, target)} where {@code target} is the skip connection, or for the last block (no
 * skip) any array of the output size.
 */
public final class UnetDecoderBlock extends TracedBlock implements TorchModule {

    private static final byte VERSION = 1;

    private final boolean hasSkip;
    private final Resize.Mode mode;
    private final ConvBnAct conv1;
    private final ConvBnAct conv2;

    /**
     * A block.
     *
     * @param f the model's convolution factory
     * @param key the block's key ({@code decoder.blocks.0})
     * @param in channels coming from below
     * @param skip channels of the skip connection (0 for none)
     * @param out output channels
     * @param mode the upsampling interpolation
     */
    public UnetDecoderBlock(ConvFactory f, String key, int in, int skip, int out,
            Resize.Mode mode) {
        super(VERSION);
        this.hasSkip = skip > 0;
        this.mode = mode;
        var init = TorchInit.kaimingUniform(TorchInit.FanMode.FAN_IN);
        conv1 = addChildBlock("conv1", ConvBnAct.sequential(f.conv(key + ".conv1.0",
                ConvRole.DECODER, ConvGeometry.same(in + skip, out, 3, 1), init),
                ConvBnAct.Act.RELU));
        conv2 = addChildBlock("conv2", ConvBnAct.sequential(f.conv(key + ".conv2.0",
                ConvRole.DECODER, ConvGeometry.same(out, out, 3, 1), init), ConvBnAct.Act.RELU));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray target = inputs.get(1);
        NDArray x = Resize.resize(inputs.get(0), target.getShape().get(2),
                target.getShape().get(3), mode, false);
        if (hasSkip) {
            x = x.concat(target, 1);
        }
        NDList y = conv1.forward(ps, new NDList(x), training);
        return conv2.forward(ps, y, training);
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape target = inputs[1];
        Shape x = t.op(TracedOp.interpolate(inputs[0], target.get(2), target.get(3), mode));
        if (hasSkip) {
            x = t.op(TracedOp.concatChannels(x, target));
        }
        Shape y = t.single("conv1", conv1, x);
        return new Shape[] {t.single("conv2", conv2, y)};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.child(prefix + "conv1.", conv1);
        dict.child(prefix + "conv2.", conv2);
    }
}
