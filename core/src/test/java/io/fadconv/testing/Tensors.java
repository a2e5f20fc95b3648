package io.fadconv.testing;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/** Conversions between nested double arrays and flat float data, for reference tests. */
public final class Tensors {

    private Tensors() {}

    /**
     * Flattens any rectangular nested double array row-major.
     *
     * @param a a double[], double[][], ... array
     * @return the values
     */
    public static double[] flat(Object a) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        collect(a, out);
        double[] d = new double[out.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = out.get(i);
        }
        return d;
    }

    private static void collect(Object a, java.util.List<Double> out) {
        if (a instanceof double[] d) {
            for (double v : d) {
                out.add(v);
            }
        } else {
            for (Object o : (Object[]) a) {
                collect(o, out);
            }
        }
    }

    /**
     * An array's values as doubles.
     *
     * @param a the array
     * @return the values
     */
    public static double[] values(NDArray a) {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * Reshapes flat values to {@code [a][b]}.
     *
     * @param v values
     * @param a rows
     * @param b columns
     * @return the matrix
     */
    public static double[][] to2(double[] v, int a, int b) {
        double[][] m = new double[a][b];
        for (int i = 0; i < a; i++) {
            System.arraycopy(v, i * b, m[i], 0, b);
        }
        return m;
    }

    /**
     * Reshapes flat values to {@code [a][b][c][d]}.
     *
     * @param v values
     * @param a dim 0
     * @param b dim 1
     * @param c dim 2
     * @param d dim 3
     * @return the array
     */
    public static double[][][][] to4(double[] v, int a, int b, int c, int d) {
        double[][][][] m = new double[a][b][c][d];
        int k = 0;
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int l = 0; l < c; l++) {
                    for (int n = 0; n < d; n++) {
                        m[i][j][l][n] = v[k++];
                    }
                }
            }
        }
        return m;
    }

    /**
     * Reshapes flat values to {@code [a][b][c][d][e]}.
     *
     * @param v values
     * @param a dim 0
     * @param b dim 1
     * @param c dim 2
     * @param d dim 3
     * @param e dim 4
     * @return the array
     */
    public static double[][][][][] to5(double[] v, int a, int b, int c, int d, int e) {
        double[][][][][] m = new double[a][][][][];
        int per = b * c * d * e;
        for (int i = 0; i < a; i++) {
            double[] part = new double[per];
            System.arraycopy(v, i * per, part, 0, per);
            m[i] = to4(part, b, c, d, e);
        }
        return m;
    }

    /**
     * Uniform random values in [-1, 1).
     *
     * @param rnd the generator
     * @param n how many
     * @return the values
     */
    public static float[] uniform(Random rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = rnd.nextFloat() * 2 - 1;
        }
        return f;
    }

    /**
     * Sets the accumulated gradients of leaves to zero (PyTorch adds each backward pass's to
     * them); null leaves are skipped.
     *
     * @param leaves arrays that require gradients
     */
    public static void clearGradients(NDArray... leaves) {
        for (NDArray leaf : leaves) {
            if (leaf != null) {
                leaf.getGradient().subi(leaf.getGradient());
            }
        }
    }

    /**
     * Whether a {@code [B, C, H, W]} array is NHWC (channels-last) in memory: its NHWC
     * permutation flattened is then a view, so writing through it changes the array (an NCHW
     * array's is a copy). DJL exposes no strides. Overwrites one value of the array.
     *
     * @param a the array, C of at least 2
     * @return true when NHWC in memory
     */
    public static boolean nhwcInMemory(NDArray a) {
        float before = a.getFloat(0, 1, 0, 0);
        NDArray flat = a.transpose(0, 2, 3, 1).flatten();
        flat.set(new ai.djl.ndarray.index.NDIndex("1"), -1000f); // NHWC index 1 = (0, 1, 0, 0)
        return a.getFloat(0, 1, 0, 0) != before;
    }

    /**
     * Whether kernels {@code [..., C, kh, kw]} keep their input channels innermost in memory
     * (as {@link #nhwcInMemory}, by writing through the permutation). Overwrites one value.
     *
     * @param k the kernels, C of at least 2
     * @return true when {@code [..., kh, kw, C]} in memory
     */
    public static boolean channelsInnermost(NDArray k) {
        int r = k.getShape().dimension();
        int[] axes = new int[r];
        for (int i = 0; i < r - 3; i++) {
            axes[i] = i;
        }
        axes[r - 3] = r - 2;
        axes[r - 2] = r - 1;
        axes[r - 1] = r - 3;
        long[] second = new long[r];
        second[r - 3] = 1; // inner index 1 = channel 1 of the first kernel position
        float before = k.getFloat(second);
        k.transpose(axes).flatten().set(new ai.djl.ndarray.index.NDIndex("1"), -1000f);
        return k.getFloat(second) != before;
    }
}
