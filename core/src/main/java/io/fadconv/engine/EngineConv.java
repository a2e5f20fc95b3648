package io.fadconv.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The one place where this project hands a 2-D convolution to the engine, so that the
 * configuration chosen by the engine self-check ({@link EngineSetup}) reaches every convolution:
 * static layers, the grouped per-sample convolutions of the dynamic layers, the self-check itself.
 * Beside the blocks as {@link Conv2d#conv2d} is beside {@link Conv2d}.
 */
public final class EngineConv {

    private EngineConv() {}

    /**
     * A convolution under the active engine configuration (set up on first use).
     *
     * @param x {@code [B, C, H, W]}
     * @param weight {@code [O, C / groups, kh, kw]}
     * @param bias {@code [O]} or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups
     * @return {@code [B, O, H', W']}
     */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, Shape stride,
            Shape padding, Shape dilation, int groups) {
        return conv2d(EngineSetup.active().layout(), x, weight, bias, stride, padding, dilation,
                groups);
    }

    /**
     * A convolution with its input in a given memory layout; taps that only ever meet the padding
     * are not computed ({@link LiveTaps}).
     *
     * @param layout the layout the engine receives the input in
     * @param x {@code [B, C, H, W]}
     * @param weight {@code [O, C / groups, kh, kw]}
     * @param bias {@code [O]} or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups
     * @return {@code [B, O, H', W']}, in the same layout
     */
    public static NDArray conv2d(ConvLayout layout, NDArray x, NDArray weight, NDArray bias,
            Shape stride, Shape padding, Shape dilation, int groups) {
        LiveTaps live = LiveTaps.of(x.getShape(), weight.getShape(), stride, padding, dilation);
        NDArray w = weight;
        if (live != null) {
            w = ofPass(live.crop(weight), x);
        }
        Shape p = live == null ? padding : live.padding();
        Shape d = live == null ? dilation : live.dilation();
        ConvLayout engineLayout = layout;
        // float64 never reaches oneDNN (the self-check's reference), so needs no guard
        // applied(), not active(): the set-up's own checks run through here
        boolean guarded = EngineSetup.applied().guarded() && x.getDataType() != DataType.FLOAT64;
        if (guarded) {
            GuardedConv.Route route = GuardedConv.route(w.getShape(), d, groups);
            if (route != GuardedConv.Route.ONEDNN) {
                return GuardedConv.conv2d(route, x, w, bias, stride, p, d, groups);
            }
            engineLayout = ConvLayout.CHANNELS_LAST; // the only one whose kernels were right
        }
        if (engineLayout == ConvLayout.NCHW
                && KernelMemory.channelsInnermost(EngineSetup.applied())) {
            // PyTorch convolves channels-last when the input or the kernel is, so an arranged
            // kernel (KernelMemory) would turn this NCHW convolution back into a channels-last
            // one
            w = ofPass(w.flatten(), x).reshape(w.getShape());
        }
        NDArray in = engineLayout == ConvLayout.CHANNELS_LAST ? channelsLast(x) : x;
        NDArray y = Conv2d.conv2d(in, w, bias, stride, p, d, groups).singletonOrThrow();
        return guarded ? GuardedConv.handedOn(y, groups) : y;
    }

    /**
     * An ungrouped convolution's output that a formulation of its own wrote in NCHW memory (a
     * matrix product), handed on in the memory order {@link #conv2d} hands the engine's outputs
     * on in: under a channels-last layout, channels-last with one copy, except where the guard
     * hands NCHW on ({@code GuardedConv.handedOn}); otherwise as it is. The ops after a layer,
     * and the backward through them, then meet one memory order (mixed orders ran about 10x
     * slower; DESIGN.md).
     *
     * @param y {@code [B, O, H, W]} in NCHW memory
     * @return the same values, in the order the configuration's convolutions hand on
     */
    public static NDArray handedOn(NDArray y) {
        EngineConfig config = EngineSetup.active();
        if (config.layout() != ConvLayout.CHANNELS_LAST
                || config.guarded() && GuardedConv.handsOnNchw(y.getShape().get(1), 1)) {
            return y;
        }
        return channelsLast(y);
    }

    /**
     * An array made from a parameter, handed to the pass's manager. DJL attaches a result to its
     * first operand's manager; for a parameter that is the model's, so a view (or a product made
     * from it, with the activations it holds) made on every pass would pile up there until the
     * model is closed.
     *
     * @param madeFromParameter e.g. a reshape of a weight
     * @param batch an array of this pass (its manager receives the array)
     * @return the same array
     */
    public static NDArray ofPass(NDArray madeFromParameter, NDArray batch) {
        madeFromParameter.attach(batch.getManager());
        return madeFromParameter;
    }

    /**
     * The batch folded into channels, {@code [B, C, H, W] -> [1, B*C, H, W]}, in the memory
     * layout the engine will convolve it in, so that the convolution makes no further copy:
     * for channels-last, {@code [1, H, W, B*C]} in memory, made with one copy from channels-last
     * input (a plain reshape would copy into NCHW and the convolution again into NHWC; NCHW
     * input takes one copy more), and in the backward x's gradient is copied back into
     * channels-last memory, the order of x and of the attention's gradient of x.
     *
     * @param layout the layout of the convolution that follows
     * @param x {@code [B, C, H, W]}
     * @return {@code [1, B*C, H, W]}
     */
    public static NDArray foldBatch(ConvLayout layout, NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (layout != ConvLayout.CHANNELS_LAST) {
            return x.reshape(1, b * c, h, w);
        }
        // [B, C, H, W] -> [B, H, W, C] -> [B, H W C] -> [B, H, W, C]: views of channels-last
        // memory, but their backward has to copy x's gradient into that memory. Without them the
        // gradient came back as a view of the folded [H, W, B, C] order, and summing it with the
        // attention's gradient of x mixed memory orders, as did every op before the layer in the
        // backward: a sum of two 8 MB arrays took 2.4 ms mixed against 0.2 ms not; resnet18-unet's
        // training step at 256 x 256, batch 8, took 1359 ms against 1401 (AMD EPYC).
        NDArray bhwc = x.transpose(0, 2, 3, 1).reshape(b, h * w * c).reshape(b, h, w, c);
        // -> [H, W, B, C] (a view) -> flattened (the one copy) -> NHWC view
        return bhwc.transpose(1, 2, 0, 3).flatten().reshape(1, h, w, b * c)
                .transpose(0, 3, 1, 2);
    }

    /**
     * The inverse of {@link #foldBatch}: {@code [1, B*O, H, W] -> [B, O, H, W]}, kept in the
     * layout's memory order (channels-last stays channels-last, with one copy).
     *
     * @param layout the layout the folded tensor is in
     * @param y {@code [1, B*O, H, W]}
     * @param batch B
     * @return {@code [B, O, H, W]}
     */
    public static NDArray unfoldBatch(ConvLayout layout, NDArray y, long batch) {
        Shape s = y.getShape();
        long o = s.get(1) / batch;
        if (layout != ConvLayout.CHANNELS_LAST) {
            return y.reshape(batch, o, s.get(2), s.get(3));
        }
        // NHWC memory [1, H, W, B*O] -> [B, H, W, O] (the one copy) -> NCHW-shaped view
        return y.transpose(0, 2, 3, 1).reshape(s.get(2), s.get(3), batch, o)
                .transpose(2, 0, 1, 3).flatten().reshape(batch, s.get(2), s.get(3), o)
                .transpose(0, 3, 1, 2);
    }

    /**
     * The same values with channels-last strides: NHWC in memory behind the NCHW shape. DJL has
     * no memory-format API; a permute to NHWC, a flatten (a copy only when the data are not
     * NHWC in memory already, a view otherwise) and the inverse permute give what PyTorch's
     * {@code x.contiguous(memory_format=torch.channels_last)} gives. Differentiable.
     *
     * @param x {@code [B, C, H, W]}
     * @return the same tensor, channels-last in memory
     */
    public static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1).flatten().reshape(s.get(0), s.get(2), s.get(3), s.get(1))
                .transpose(0, 3, 1, 2);
    }
}
