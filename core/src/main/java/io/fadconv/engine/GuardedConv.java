package io.fadconv.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The convolutions that configuration {@code channels-last-guarded} keeps away from oneDNN, and
 * how it computes them instead. On an AMD Zen 5, oneDNN's channels-last kernels computed wrong
 * 1 x 1 convolutions at some channel counts and batches, grouped convolutions whose channel
 * groups are not multiples of 16 (one input channel per group), convolutions with one input
 * channel (the input gradient), and dilated depthwise ones; its channels-last convolutions with
 * larger kernels were right in every geometry swept when ungrouped with two or more input
 * channels (any channel count: 1520 more geometries swept 4-5 times each for this), or grouped
 * with channel groups that are multiples of 16, and so were its undilated depthwise ones
 * (docs/engine-correctness.md). The self-check decides per machine whether this configuration
 * is right; this class only says which way each convolution goes.
 */
public final class GuardedConv {

    /** The channel block of oneDNN's AVX-512 kernels. */
    static final long BLOCK = 16;

    /** How a convolution is computed under the guard. */
    public enum Route {
        /** oneDNN, input channels-last. */
        ONEDNN,
        /** A 1 x 1 convolution as one matrix product over the pixels (channels-last out). */
        MATMUL,
        /**
         * oneDNN, input channels-last, with the channels zero-padded to multiples of 16 and
         * the output's padding sliced off: the same numbers (zero weights add exact zeros).
         */
        PADDED,
        /** Unfolded into columns ({@link Unfold}) and a (grouped) matrix product. */
        UNFOLD
    }

    private GuardedConv() {}

    /**
     * The route of a convolution.
     *
     * @param weight {@code [O, C / groups, kh, kw]} (taps that only meet padding cropped)
     * @param dilation the dilation
     * @param groups the groups
     * @return the route
     */
    public static Route route(Shape weight, Shape dilation, int groups) {
        long outPerGroup = weight.get(0) / groups;
        long inPerGroup = weight.get(1);
        boolean oneByOne = weight.get(2) == 1 && weight.get(3) == 1;
        if (oneByOne) {
            return groups == 1 ? Route.MATMUL : Route.UNFOLD;
        }
        boolean undilated = dilation.get(0) == 1 && dilation.get(1) == 1;
        if (groups > 1 && inPerGroup == 1 && outPerGroup == 1) { // depthwise: no channel blocks
            return undilated ? Route.ONEDNN : Route.UNFOLD;
        }
        if (inPerGroup % BLOCK == 0 && outPerGroup % BLOCK == 0) {
            return Route.ONEDNN;
        }
        if (groups == 1) {
            // ungrouped with two or more input channels: right in every geometry swept, at any
            // channel count; one input channel got a wrong input gradient
            return inPerGroup > 1 ? Route.ONEDNN : Route.PADDED;
        }
        return Route.UNFOLD;
    }

    /**
     * What oneDNN's channels-last output is handed on as under the guard: as it is, except for an
     * ungrouped convolution while gradients are recorded with a channel count that is not a
     * multiple of 16, when it is copied into NCHW. The BatchNorm after such a convolution ran
     * 3-4x slower on channels-last memory at 4 and 8 channels; resnet18x0.25-unet's static
     * training step took 216-219 ms with the copy against 356-382 without it (AMD EPYC Zen 5,
     * alternating runs). Grouped and depthwise outputs were not measured and are left as they
     * are. The same values either way.
     *
     * @param y a convolution's output, channels-last
     * @param groups the convolution's groups
     * @return y, or its NCHW copy
     */
    static NDArray handedOn(NDArray y, int groups) {
        Shape s = y.getShape();
        if (!handsOnNchw(s.get(1), groups)) {
            return y;
        }
        return y.flatten().reshape(s); // a reshape of non-contiguous memory copies it
    }

    /**
     * Whether {@link #handedOn} hands a convolution's output on in NCHW memory now.
     *
     * @param channels the output's channels
     * @param groups the convolution's groups
     * @return true for an ungrouped convolution with a channel count that is not a multiple of
     *     16, while gradients are recorded
     */
    static boolean handsOnNchw(long channels, int groups) {
        return groups == 1 && channels % BLOCK != 0 && JniUtils.isGradMode();
    }

    /**
     * A convolution by a route other than plain oneDNN.
     *
     * @param route {@link Route#MATMUL}, {@link Route#PADDED} or {@link Route#UNFOLD}
     * @param x {@code [B, C, H, W]}
     * @param weight {@code [O, C / groups, kh, kw]}
     * @param bias {@code [O]} or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups
     * @return {@code [B, O, H', W']}
     */
    static NDArray conv2d(Route route, NDArray x, NDArray weight, NDArray bias, Shape stride,
            Shape padding, Shape dilation, int groups) {
        NDArray y = switch (route) {
            case MATMUL -> oneByOne(x, weight, stride, padding);
            case PADDED -> padded(x, weight, stride, padding, dilation);
            case UNFOLD -> unfolded(x, weight, stride, padding, dilation, groups);
            case ONEDNN -> throw new IllegalArgumentException("oneDNN is EngineConv's route");
        };
        return bias == null ? y
                : y.add(EngineConv.ofPass(bias.reshape(1, bias.size(), 1, 1), x));
    }

    /** [B, C, H, W] as pixels x channels (a view of channels-last memory) times [C, O]. */
    private static NDArray oneByOne(NDArray x, NDArray weight, Shape stride, Shape padding) {
        NDArray in = Unfold.padded(x, padding);
        if (stride.get(0) != 1 || stride.get(1) != 1) {
            in = in.get(new NDIndex(":, :, ::{}, ::{}", stride.get(0), stride.get(1)));
        }
        long o = weight.getShape().get(0);
        long c = weight.getShape().get(1);
        NDArray pixels = in.transpose(0, 2, 3, 1);
        return pixels.matMul(EngineConv.ofPass(weight.reshape(o, c), x).transpose())
                .transpose(0, 3, 1, 2);
    }

    /**
     * Channels zero-padded up to the block, oneDNN channels-last, the padding sliced off. The
     * padded input is made channels-last in one copy ({@link #zeroChannelsLast}). The output's
     * channel slice is handed on as it is: made compact channels-last, the BatchNorm after it
     * ran 3-4x slower at 4 and 8 channels (resnet18x0.25-unet static training 462-552 ms
     * against 388-393; AMD EPYC Zen 5).
     */
    private static NDArray padded(NDArray x, NDArray weight, Shape stride, Shape padding,
            Shape dilation) {
        Shape ws = weight.getShape();
        long o = ws.get(0);
        long c = ws.get(1);
        long extraIn = (BLOCK - c % BLOCK) % BLOCK;
        long extraOut = (BLOCK - o % BLOCK) % BLOCK;
        NDArray in = zeroChannelsLast(x, extraIn);
        // a view of the weight owned by the pass, so that the concatenations below are too
        NDArray w = EngineConv.ofPass(weight.reshape(ws), x);
        if (extraIn > 0) {
            w = w.concat(x.getManager().zeros(new Shape(o, extraIn, ws.get(2), ws.get(3))), 1);
        }
        if (extraOut > 0) {
            w = w.concat(x.getManager().zeros(new Shape(extraOut, c + extraIn, ws.get(2),
                    ws.get(3))), 0);
        }
        NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(in, w, null, stride, padding,
                dilation, 1).singletonOrThrow();
        return extraOut > 0 ? y.get(new NDIndex(":, 0:{}", o)) : y;
    }

    /**
     * The input with zero channels appended, channels-last in memory (the layout whose kernels
     * were right), in one copy.
     *
     * @param x {@code [B, C, H, W]}, either layout
     * @param extra the zero channels to append
     * @return {@code [B, C + extra, H, W]}, NHWC in memory
     */
    static NDArray zeroChannelsLast(NDArray x, long extra) {
        if (extra == 0) {
            return EngineConv.channelsLast(x);
        }
        // a pad of the NHWC view's last axis: 1.3-1.8 ms for the stem's input at batch 8,
        // 256 x 256, where concatenating zeros in NCHW and converting took 64-70 ms, and
        // concatenating on the NHWC axis 3.1-56 ms (56 in fresh memory; AMD EPYC Zen 5)
        return x.transpose(0, 2, 3, 1).pad(new Shape(0, extra), 0).transpose(0, 3, 1, 2);
    }

    private static NDArray unfolded(NDArray x, NDArray weight, Shape stride, Shape padding,
            Shape dilation, int groups) {
        Shape ws = weight.getShape();
        long b = x.getShape().get(0);
        long o = ws.get(0);
        long k = ws.get(1) * ws.get(2) * ws.get(3);
        Unfold.Columns col = Unfold.of(x, ws.get(2), ws.get(3), stride, padding, dilation);
        NDArray grouped = col.matrix().reshape(b, groups, k, col.height() * col.width());
        // [g, O/g, K] times [B, g, K, L], broadcast over the batch: [B, g, O/g, L]
        return EngineConv.ofPass(weight.reshape(groups, o / groups, k), x).matMul(grouped)
                .reshape(b, o, col.height(), col.width());
    }
}
