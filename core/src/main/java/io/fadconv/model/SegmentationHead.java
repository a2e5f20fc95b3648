package io.fadconv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;

/**
 * smp's {@code SegmentationHead}: a convolution with bias to the class count ({@code 0}),
 * xavier-uniform initialised, then optional bilinear upsampling by an integer factor. Outputs
 * logits (no activation).
 */
public final class SegmentationHead extends TracedBlock implements TorchModule {

    private static final byte VERSION = 1;

    private final Block conv;
    private final int upsampling;
    private final boolean alignCorners;

    /**
     * A head.
     *
     * @param f the model's convolution factory
     * @param in input channels
     * @param classes output channels
     * @param kernel the kernel side (3 for UNet, 1 for DeepLabV3+)
     * @param upsampling the upsampling factor (1 for none)
     * @param alignCorners {@code align_corners} of the upsampling
     */
    public SegmentationHead(ConvFactory f, int in, int classes, int kernel, int upsampling,
            boolean alignCorners) {
        super(VERSION);
        f.scope("segmentation_head");
        conv = addChildBlock("conv", f.conv("segmentation_head.0", ConvRole.HEAD,
                ConvGeometry.same(in, classes, kernel, 1).withPadding(kernel / 2).withBias(true),
                TorchInit.xavierUniform()));
        this.upsampling = upsampling;
        this.alignCorners = alignCorners;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = conv.forward(ps, inputs, training).singletonOrThrow();
        if (upsampling == 1) {
            return new NDList(y);
        }
        Shape s = y.getShape();
        return new NDList(Resize.resize(y, s.get(2) * upsampling, s.get(3) * upsampling,
                Resize.Mode.BILINEAR, alignCorners));
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape y = t.single("0", conv, inputs[0]);
        if (upsampling != 1) {
            y = t.op(TracedOp.interpolate(y, y.get(2) * upsampling, y.get(3) * upsampling,
                    Resize.Mode.BILINEAR));
        }
        return new Shape[] {y};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        dict.child(prefix + "0.", conv);
    }
}
