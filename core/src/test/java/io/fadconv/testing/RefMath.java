package io.fadconv.testing;

/**
 * Plain double-precision loops for the operations the layers are built from, written from the
 * definitions (PyTorch's documentation and the papers), not from the DJL code under test.
 */
public final class RefMath {

    private RefMath() {}

    /**
     * Convolution as {@code torch.nn.functional.conv2d} defines it, zero padding.
     *
     * @param x {@code [B][C][H][W]}
     * @param w {@code [B][O][C/g][kh][kw]}, a kernel per sample
     * @param bias {@code [B][O]} or null
     * @param stride (sh, sw)
     * @param pad (ph, pw)
     * @param dil (dh, dw)
     * @param groups the groups
     * @return {@code [B][O][H'][W']}
     */
    public static double[][][][] conv2d(double[][][][] x, double[][][][][] w, double[][] bias,
            int[] stride, int[] pad, int[] dil, int groups) {
        int b = x.length;
        int c = x[0].length;
        int h = x[0][0].length;
        int wd = x[0][0][0].length;
        int o = w[0].length;
        int cg = c / groups;
        int og = o / groups;
        int kh = w[0][0][0].length;
        int kw = w[0][0][0][0].length;
        int ho = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) / stride[0] + 1;
        int wo = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) / stride[1] + 1;
        double[][][][] y = new double[b][o][ho][wo];
        for (int n = 0; n < b; n++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double s = bias == null ? 0 : bias[n][oc];
                        for (int ci = 0; ci < cg; ci++) {
                            int ch = g * cg + ci;
                            for (int a = 0; a < kh; a++) {
                                int yy = i * stride[0] - pad[0] + a * dil[0];
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int e = 0; e < kw; e++) {
                                    int xx = j * stride[1] - pad[1] + e * dil[1];
                                    if (xx < 0 || xx >= wd) {
                                        continue;
                                    }
                                    s += w[n][oc][ci][a][e] * x[n][ch][yy][xx];
                                }
                            }
                        }
                        y[n][oc][i][j] = s;
                    }
                }
            }
        }
        return y;
    }

    /**
     * The gradients of {@code L = sum(conv2d(x, w) * r)} for one kernel shared by the batch (a
     * static convolution), from the same loops as {@link #conv2d}: every product
     * {@code w * x} that adds to {@code y} sends {@code r * w} to {@code dx} and {@code r * x} to
     * {@code dw}.
     *
     * @param x {@code [B][C][H][W]}
     * @param w {@code [O][C/g][kh][kw]}
     * @param r {@code [B][O][H'][W']}, the gradient reaching the output
     * @param stride (sh, sw)
     * @param pad (ph, pw)
     * @param dil (dh, dw)
     * @param groups the groups
     * @return {dx flattened, dw flattened}
     */
    public static double[][] conv2dGradients(double[][][][] x, double[][][][] w,
            double[][][][] r, int[] stride, int[] pad, int[] dil, int groups) {
        int b = x.length;
        int c = x[0].length;
        int h = x[0][0].length;
        int wd = x[0][0][0].length;
        int o = w.length;
        int cg = c / groups;
        int og = o / groups;
        int kh = w[0][0].length;
        int kw = w[0][0][0].length;
        int ho = r[0][0].length;
        int wo = r[0][0][0].length;
        double[][][][] dx = new double[b][c][h][wd];
        double[][][][] dw = new double[o][cg][kh][kw];
        for (int n = 0; n < b; n++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double g0 = r[n][oc][i][j];
                        for (int ci = 0; ci < cg; ci++) {
                            int ch = g * cg + ci;
                            for (int a = 0; a < kh; a++) {
                                int yy = i * stride[0] - pad[0] + a * dil[0];
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int e = 0; e < kw; e++) {
                                    int xx = j * stride[1] - pad[1] + e * dil[1];
                                    if (xx < 0 || xx >= wd) {
                                        continue;
                                    }
                                    dx[n][ch][yy][xx] += g0 * w[oc][ci][a][e];
                                    dw[oc][ci][a][e] += g0 * x[n][ch][yy][xx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {Tensors.flat(dx), Tensors.flat(dw)};
    }

    /**
     * {@code AdaptiveAvgPool2d(p)} of one channel, windows {@code floor(i*H/p) .. ceil((i+1)*H/p)}.
     *
     * @param x {@code [H][W]}
     * @param p the output size
     * @return {@code [p][p]}
     */
    public static double[][] adaptiveAvgPool(double[][] x, int p) {
        int h = x.length;
        int w = x[0].length;
        double[][] out = new double[p][p];
        for (int i = 0; i < p; i++) {
            int hs = (int) Math.floor((double) i * h / p);
            int he = (int) Math.ceil((double) (i + 1) * h / p);
            for (int j = 0; j < p; j++) {
                int ws = (int) Math.floor((double) j * w / p);
                int we = (int) Math.ceil((double) (j + 1) * w / p);
                double s = 0;
                for (int a = hs; a < he; a++) {
                    for (int e = ws; e < we; e++) {
                        s += x[a][e];
                    }
                }
                out[i][j] = s / ((he - hs) * (we - ws));
            }
        }
        return out;
    }

    /**
     * The reference's full 2-D DCT: {@code F[u][v] = sum_h sum_w f[h][w] D[h][u] D[w][v]} with
     * {@code D[x][u] = cos((2x+1) u pi / 2p) / p}.
     *
     * @param f {@code [p][p]}
     * @return {@code [p][p]}
     */
    public static double[][] dct2(double[][] f) {
        int p = f.length;
        double[][] out = new double[p][p];
        for (int u = 0; u < p; u++) {
            for (int v = 0; v < p; v++) {
                double s = 0;
                for (int a = 0; a < p; a++) {
                    for (int e = 0; e < p; e++) {
                        s += f[a][e] * Math.cos((2 * a + 1) * u * Math.PI / (2.0 * p)) / p
                                * Math.cos((2 * e + 1) * v * Math.PI / (2.0 * p)) / p;
                    }
                }
                out[u][v] = s;
            }
        }
        return out;
    }

    /**
     * {@code y = W x + b} (PyTorch's Linear: weight is {@code [out][in]}).
     *
     * @param w weight
     * @param b bias or null
     * @param x input
     * @return output
     */
    public static double[] linear(double[][] w, double[] b, double[] x) {
        double[] y = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double s = b == null ? 0 : b[i];
            for (int j = 0; j < x.length; j++) {
                s += w[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    /**
     * Element-wise ReLU, in a new array.
     *
     * @param x input
     * @return output
     */
    public static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, x[i]);
        }
        return y;
    }

    /**
     * Logistic sigmoid.
     *
     * @param v input
     * @return output
     */
    public static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /**
     * Softmax of {@code z / t}.
     *
     * @param z logits
     * @param t temperature
     * @return probabilities
     */
    public static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] / t - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * The largest absolute difference divided by the largest absolute reference value (at least
     * 1e-12): the relative error measure the layer tests use.
     *
     * @param ref reference values
     * @param got values under test
     * @return the relative error
     */
    public static double relativeError(double[] ref, float[] got) {
        if (ref.length != got.length) {
            throw new AssertionError("length " + got.length + " != reference " + ref.length);
        }
        double maxDiff = 0;
        double maxRef = 1e-12;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return maxDiff / maxRef;
    }
}
