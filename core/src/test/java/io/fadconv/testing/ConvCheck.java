package io.fadconv.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import java.util.Random;

/**
 * A float32 convolution checked against {@link RefMath} in double precision: its output, and
 * the gradients of its input and weight for the loss {@code sum(y * r)} with a random {@code r}.
 */
public final class ConvCheck {

    /** The convolution under test. */
    @FunctionalInterface
    public interface Conv {
        /**
         * Convolves.
         *
         * @param x {@code [B, C, H, W]}
         * @param w {@code [O, C / groups, k, k]}
         * @param bias {@code [O]} or null
         * @return {@code [B, O, H', W']}
         */
        NDArray apply(NDArray x, NDArray w, NDArray bias);
    }

    /**
     * One convolution's shapes and hyper-parameters (square kernel, same along both axes).
     *
     * @param batch B
     * @param in C
     * @param out O
     * @param height H
     * @param width W
     * @param kernel k
     * @param stride stride
     * @param padding padding
     * @param dilation dilation
     * @param groups groups
     * @param bias whether the convolution has a bias
     */
    public record Case(int batch, int in, int out, int height, int width, int kernel, int stride,
            int padding, int dilation, int groups, boolean bias) {

        /** @return the stride as a shape */
        public Shape strideShape() {
            return new Shape(stride, stride);
        }

        /** @return the padding as a shape */
        public Shape paddingShape() {
            return new Shape(padding, padding);
        }

        /** @return the dilation as a shape */
        public Shape dilationShape() {
            return new Shape(dilation, dilation);
        }
    }

    private ConvCheck() {}

    /**
     * Runs the convolution on random data and asserts output and both gradients within a
     * relative error.
     *
     * @param m the manager
     * @param rnd the data's generator
     * @param c the case
     * @param conv the convolution
     * @param tolerance the largest relative error allowed
     */
    public static void assertMatches(NDManager m, Random rnd, Case c, Conv conv,
            double tolerance) {
        int cg = c.in() / c.groups();
        NDArray x = m.create(Tensors.uniform(rnd, c.batch() * c.in() * c.height() * c.width()),
                new Shape(c.batch(), c.in(), c.height(), c.width()));
        NDArray w = m.create(Tensors.uniform(rnd, c.out() * cg * c.kernel() * c.kernel()),
                new Shape(c.out(), cg, c.kernel(), c.kernel()));
        float[] bv = c.bias() ? Tensors.uniform(rnd, c.out()) : null;
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        NDArray y;
        NDArray r;
        try (GradientCollector gc = Djl.engine().newGradientCollector()) {
            y = conv.apply(x, w, bv == null ? null : m.create(bv));
            r = m.create(Tensors.uniform(rnd, (int) y.getShape().size()), y.getShape());
            gc.backward(y.mul(r).sum());
        }
        double[][][][] xd = Tensors.to4(Tensors.values(x), c.batch(), c.in(), c.height(),
                c.width());
        double[][][][] wd = Tensors.to4(Tensors.values(w), c.out(), cg, c.kernel(), c.kernel());
        double[][][][][] perSample = new double[c.batch()][][][][];
        double[][] bias = bv == null ? null : new double[c.batch()][];
        for (int n = 0; n < c.batch(); n++) {
            perSample[n] = wd;
            if (bias != null) {
                bias[n] = new double[bv.length];
                for (int i = 0; i < bv.length; i++) {
                    bias[n][i] = bv[i];
                }
            }
        }
        int[] s = {c.stride(), c.stride()};
        int[] p = {c.padding(), c.padding()};
        int[] d = {c.dilation(), c.dilation()};
        double[][][][] ref = RefMath.conv2d(xd, perSample, bias, s, p, d, c.groups());
        int oh = ref[0][0].length;
        int ow = ref[0][0][0].length;
        assertThat(y.getShape().getShape()).as("shape " + c)
                .containsExactly(c.batch(), c.out(), oh, ow);
        assertThat(RefMath.relativeError(Tensors.flat(ref), y.toFloatArray())).as("y " + c)
                .isLessThan(tolerance);
        double[][] grads = RefMath.conv2dGradients(xd, wd, Tensors.to4(Tensors.values(r),
                c.batch(), c.out(), oh, ow), s, p, d, c.groups());
        assertThat(RefMath.relativeError(grads[0], x.getGradient().toFloatArray()))
                .as("input gradient " + c).isLessThan(tolerance);
        assertThat(RefMath.relativeError(grads[1], w.getGradient().toFloatArray()))
                .as("weight gradient " + c).isLessThan(tolerance);
    }
}
