package io.fadconv.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The kernel taps of a zero-padded convolution that ever meet the input, so that the ones that
 * only ever meet padding are not computed. A dilated convolution on a map smaller than its
 * dilation has such taps: DeepLabV3+'s ASPP branch of dilation 18 on the 16 x 16 map of a
 * 256 x 256 tile reaches 18 pixels from every output pixel, outside the map, with all but its
 * centre tap, so it is exactly a 1 x 1 convolution with the centre tap (one ninth of the
 * multiply-adds). The engine computes every tap; cropping them is exact (a dead tap multiplies
 * zeros only, and its gradient is zero), and the output keeps its size and alignment.
 *
 * <p>Only crops that leave the padding symmetric are made (as many dead taps on each side of a
 * dimension), since the engine's convolution takes one padding per dimension.
 *
 * @param firstRow the first live tap along the height
 * @param lastRow the last live tap along the height
 * @param firstCol the first live tap along the width
 * @param lastCol the last live tap along the width
 * @param padding the padding of the cropped kernel
 * @param dilation the dilation of the cropped kernel (1 along a dimension cropped to one tap, so
 *     that equal convolutions have equal geometries)
 */
public record LiveTaps(long firstRow, long lastRow, long firstCol, long lastCol, Shape padding,
        Shape dilation) {

    /**
     * The live taps of a convolution, or null when every tap is live or the crop would not be
     * symmetric (nothing to crop).
     *
     * @param input the input shape {@code [B, C, H, W]}
     * @param kernel the kernel shape, its last two dimensions {@code kh, kw}
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @return the crop, or null
     */
    public static LiveTaps of(Shape input, Shape kernel, Shape stride, Shape padding,
            Shape dilation) {
        int r = kernel.dimension();
        long[] rows = live(input.get(2), kernel.get(r - 2), stride.get(0), padding.get(0),
                dilation.get(0));
        long[] cols = live(input.get(3), kernel.get(r - 1), stride.get(1), padding.get(1),
                dilation.get(1));
        if (rows == null && cols == null) {
            return null;
        }
        rows = rows == null ? new long[] {0, kernel.get(r - 2) - 1} : rows;
        cols = cols == null ? new long[] {0, kernel.get(r - 1) - 1} : cols;
        return new LiveTaps(rows[0], rows[1], cols[0], cols[1],
                new Shape(padding.get(0) - rows[0] * dilation.get(0),
                        padding.get(1) - cols[0] * dilation.get(1)),
                new Shape(rows[0] == rows[1] ? 1 : dilation.get(0),
                        cols[0] == cols[1] ? 1 : dilation.get(1)));
    }

    /**
     * The output size of a convolution along one dimension.
     *
     * @param in the input size
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     * @param dilation the dilation
     * @return the output size
     */
    public static long outputSize(long in, long kernel, long stride, long padding,
            long dilation) {
        return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
    }

    /**
     * The kernel cropped to the live taps (a differentiable slice of its last two dimensions).
     *
     * @param kernel {@code [..., kh, kw]}
     * @return {@code [..., kh', kw']}
     */
    public NDArray crop(NDArray kernel) {
        String lead = ":,".repeat(kernel.getShape().dimension() - 2);
        return kernel.get(new NDIndex(lead + "{}:{},{}:{}", firstRow, lastRow + 1, firstCol,
                lastCol + 1));
    }

    /** The first and last live tap along one dimension, or null when all are live or the crop
     * would leave the padding unequal. */
    private static long[] live(long in, long kernel, long stride, long padding, long dilation) {
        long out = outputSize(in, kernel, stride, padding, dilation);
        long first = 0;
        while (first < kernel && !meetsInput(first, in, out, stride, padding, dilation)) {
            first++;
        }
        long last = kernel - 1;
        while (last > first && !meetsInput(last, in, out, stride, padding, dilation)) {
            last--;
        }
        boolean cropped = first > 0 || last < kernel - 1;
        boolean symmetric = first == kernel - 1 - last && padding - first * dilation >= 0;
        return cropped && symmetric ? new long[] {first, last} : null;
    }

    /** Whether a tap reads an input pixel (not padding) at some output position. */
    private static boolean meetsInput(long tap, long in, long out, long stride, long padding,
            long dilation) {
        long lowest = tap * dilation - padding;
        long highest = (out - 1) * stride + tap * dilation - padding;
        return lowest <= in - 1 && highest >= 0;
    }
}
