package io.fadconv.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.TracedBlock;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;

/**
 * torchvision's {@code BasicBlock}: two 3x3 convolutions (role {@link ConvRole#BLOCK}) with
 * BatchNorm, and a 1x1 projection shortcut ({@link ConvRole#DOWNSAMPLE}) when the stride or the
 * width changes. Keys {@code conv1, bn1, conv2, bn2, downsample.0, downsample.1}. In a dilated
 * stage (smp's {@code make_dilated}) every 3x3 convolution has the stage's dilation and padding,
 * and the stride is 1.
 *
 * <p>Scopes (KernelWarehouse warehouses) as the official {@code KW_ResNet}: {@code conv2} in the
 * block's scope; {@code conv1} and {@code downsample.0} in the entry scope, which is the previous
 * stage's for the first block of a stage (the official "warehouse hand-over") and the block's own
 * scope otherwise. Convolutions are built in the official module order conv1, conv2, downsample,
 * the order in which a warehouse assigns its cells.
 */
public final class BasicBlock extends TracedBlock implements TorchModule {

    private static final byte VERSION = 1;

    private final ConvBnAct first;
    private final ConvBnAct second;
    private final ConvBnAct downsample;

    /**
     * A basic block.
     *
     * @param f the model's convolution factory
     * @param key the block's key ({@code encoder.layer2.0})
     * @param scope the scope of {@code conv2} ({@code encoder.stage1})
     * @param entryScope the scope of {@code conv1} and {@code downsample.0}
     * @param in input channels
     * @param out output channels
     * @param stride the stride of the first convolution and of the shortcut
     * @param dilation the dilation of both 3x3 convolutions
     */
    public BasicBlock(ConvFactory f, String key, String scope, String entryScope, int in,
            int out, int stride, int dilation) {
        super(VERSION);
        var init = TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT);
        first = addChildBlock("first", new ConvBnAct(
                f.conv(key + ".conv1", entryScope, ConvRole.BLOCK,
                        ConvGeometry.same(in, out, 3, stride).withDilation(dilation), init),
                ConvBnAct.Act.RELU, "conv1", "bn1"));
        second = addChildBlock("second", new ConvBnAct(
                f.conv(key + ".conv2", scope, ConvRole.BLOCK,
                        ConvGeometry.same(out, out, 3, 1).withDilation(dilation), init),
                ConvBnAct.Act.NONE, "conv2", "bn2"));
        downsample = stride != 1 || in != out
                ? addChildBlock("downsample", new ConvBnAct(
                        f.conv(key + ".downsample.0", entryScope, ConvRole.DOWNSAMPLE,
                                ConvGeometry.pointwise(in, out).withStride(stride), init),
                        ConvBnAct.Act.NONE, "downsample.0", "downsample.1"))
                : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = second.forward(ps, first.forward(ps, inputs, training), training)
                .singletonOrThrow();
        NDArray identity = downsample == null ? x
                : downsample.forward(ps, inputs, training).singletonOrThrow();
        return new NDList(Activation.relu(y.add(identity)));
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape y = t.child("", second, t.child("", first, inputs))[0];
        Shape identity = downsample == null ? inputs[0] : t.child("", downsample, inputs)[0];
        return new Shape[] {t.op(TracedOp.add(y, identity))};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        first.torchState(prefix, dict);
        second.torchState(prefix, dict);
        if (downsample != null) {
            downsample.torchState(prefix, dict);
        }
    }
}
