package io.fadconv.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A convolution's input unfolded into columns (im2col) by slicing: {@code kh*kw} shifted views
 * stacked, so that the convolution becomes a matrix product. Made of slicing, padding and
 * stacking only, so it never reaches oneDNN and autograd differentiates it. The one home of
 * unfolding: the dynamic layers' im2col-bmm formulation and {@link GuardedConv} use it.
 */
public final class Unfold {

    private Unfold() {}

    /**
     * A convolution's input unfolded, and the output's size.
     *
     * @param matrix {@code [B, C*kh*kw, H'*W']}, channel-major then kernel position, as a kernel
     *     {@code [O, C, kh, kw]} flattens (or the other way round, when asked for)
     * @param height H'
     * @param width W'
     */
    public record Columns(NDArray matrix, long height, long width) {}

    /**
     * The columns of a convolution's input.
     *
     * @param x {@code [B, C, H, W]}
     * @param kh kernel height
     * @param kw kernel width
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @return the columns and the output's size
     */
    public static Columns of(NDArray x, long kh, long kw, Shape stride, Shape padding,
            Shape dilation) {
        return of(x, kh, kw, stride, padding, dilation, false);
    }

    /**
     * {@link #of(NDArray, long, long, Shape, Shape, Shape)} with the rows in a chosen order.
     *
     * @param x {@code [B, C, H, W]}
     * @param kh the kernel height
     * @param kw the kernel width
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param channelsInnermost rows ordered {@code (tap, channel)}, as kernels whose input
     *     channels are innermost in memory ({@link KernelMemory}) hold their values, instead of
     *     {@code (channel, tap)}; x is then read as channels-last (any x gives the same numbers)
     * @return the columns and the output's size
     */
    public static Columns of(NDArray x, long kh, long kw, Shape stride, Shape padding,
            Shape dilation, boolean channelsInnermost) {
        Shape xs = x.getShape();
        long sh = stride.get(0);
        long sw = stride.get(1);
        long dh = dilation.get(0);
        long dw = dilation.get(1);
        long oh = LiveTaps.outputSize(xs.get(2), kh, sh, padding.get(0), dh);
        long ow = LiveTaps.outputSize(xs.get(3), kw, sw, padding.get(1), dw);
        // kernels with their channels innermost go with channels-last input: padded and sliced
        // as [B, H, W, C], its memory order, because each slice's gradient is a zero-filled
        // array of the sliced array's shape; x's gradient then comes back channels-last too.
        // Sliced as [B, C, H, W] it came back NCHW and met the attention's channels-last
        // gradient of x in a sum of mixed memory orders, as did the BatchNorm and ReLU before
        // the layer in their backward (DESIGN.md, memory order).
        NDArray xp = channelsInnermost ? padded(x.transpose(0, 2, 3, 1), padding, 1)
                : padded(x, padding, 2);
        String slice = channelsInnermost ? ":, {}:{}:{}, {}:{}:{}, :" : ":, :, {}:{}:{}, {}:{}:{}";
        NDList shifted = new NDList((int) (kh * kw));
        for (long i = 0; i < kh; i++) {
            for (long j = 0; j < kw; j++) {
                long r = i * dh;
                long q = j * dw;
                NDArray tap = xp.get(new NDIndex(slice, r, r + sh * (oh - 1) + 1, sh, q,
                        q + sw * (ow - 1) + 1, sw));
                shifted.add(channelsInnermost ? tap.transpose(0, 3, 1, 2) : tap);
            }
        }
        // [B, C, kh*kw, oh, ow] (or [B, kh*kw, C, oh, ow]) -> [B, C*kh*kw, oh*ow]
        NDArray stacked = NDArrays.stack(shifted, channelsInnermost ? 1 : 2);
        return new Columns(stacked.reshape(xs.get(0), xs.get(1) * kh * kw, oh * ow), oh, ow);
    }

    /**
     * The input with a convolution's zero padding around its map.
     *
     * @param x {@code [B, C, H, W]}
     * @param padding the padding of each spatial axis
     * @return {@code x} itself when there is none
     */
    static NDArray padded(NDArray x, Shape padding) {
        return padded(x, padding, 2);
    }

    /**
     * An array with zero padding around the two spatial axes starting at a given axis.
     *
     * @param x a 4-D array
     * @param padding the padding of each spatial axis
     * @param heightAxis the height's axis (2 for {@code [B, C, H, W]}, 1 for {@code [B, H, W, C]})
     * @return {@code x} itself when there is none
     */
    private static NDArray padded(NDArray x, Shape padding, int heightAxis) {
        if (padding.get(0) == 0 && padding.get(1) == 0) {
            return x;
        }
        // pad takes (before, after) pairs from the last axis backwards
        Shape pairs = new Shape(padding.get(1), padding.get(1), padding.get(0), padding.get(0));
        return x.pad(heightAxis == 2 ? pairs : new Shape(0, 0).addAll(pairs), 0);
    }
}
