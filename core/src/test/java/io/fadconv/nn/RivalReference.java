package io.fadconv.nn;

import io.fadconv.testing.FadConvReference;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Map;

/**
 * The published forward passes of DYConv, ODConv and KernelWarehouse (and their FAT versions) in
 * double precision, written from the papers and the official code with plain loops, no DJL.
 * Weights come by PyTorch state_dict key, so a test can perturb one entry for finite differences.
 */
final class RivalReference {

    /** Convolution geometry and the annealed value. */
    static final class Geometry {
        int[] stride = {1, 1};
        int[] padding = {0, 0};
        int[] dilation = {1, 1};
        int groups = 1;
        double temperature = 1;
        /** FAT descriptor settings (null: GAP). */
        FadConvReference.Config fat;
        /** ODConv / KW BatchNorm: use batch statistics (training with B > 1). */
        boolean batchStatistics;
    }

    private RivalReference() {}

    // ------------------------------------------------------------------ shared pieces

    /** GAP, or FAT with the fusion weights under {@code prefix} ({@code attention.}). */
    static double[][] descriptors(double[][][][] x, Map<String, double[]> p, String prefix,
            Geometry g) {
        FadConvReference.Weights w = new FadConvReference.Weights();
        FadConvReference.Config cfg = g.fat;
        if (cfg == null) {
            cfg = new FadConvReference.Config();
            cfg.mode = FadConvReference.Mode.GAP;
        } else if (cfg.mode == FadConvReference.Mode.NETWORK) {
            int f = cfg.low * cfg.low + cfg.high * cfg.high;
            w.fusion0W = Tensors.to2(p.get(prefix + "fusion.0.weight"), 32, f);
            w.fusion0B = p.get(prefix + "fusion.0.bias");
            w.fusion2W = Tensors.to2(p.get(prefix + "fusion.2.weight"), 1, 32);
            w.fusion2B = p.get(prefix + "fusion.2.bias");
        }
        return FadConvReference.descriptors(x, w, cfg);
    }

    /** {@code y = W x + b} with W stored row-major {@code [out][in]} (or {@code [out, in, 1, 1]}). */
    static double[] fc(Map<String, double[]> p, String key, double[] x) {
        double[] w = p.get(key + ".weight");
        int in = x.length;
        return RefMath.linear(Tensors.to2(w, w.length / in, in), p.get(key + ".bias"), x);
    }

    /** BatchNorm over the batch, per feature, as PyTorch defines it (eps 1e-5). */
    static double[][] batchNorm(double[][] h, Map<String, double[]> p, String key, boolean batch) {
        int b = h.length;
        int n = h[0].length;
        double[] gamma = p.get(key + ".weight");
        double[] beta = p.get(key + ".bias");
        double[][] out = new double[b][n];
        for (int j = 0; j < n; j++) {
            double mean;
            double var;
            if (batch) {
                mean = 0;
                for (double[] row : h) {
                    mean += row[j];
                }
                mean /= b;
                var = 0;
                for (double[] row : h) {
                    var += (row[j] - mean) * (row[j] - mean);
                }
                var /= b; // biased, for normalising
            } else {
                mean = p.get(key + ".running_mean")[j];
                var = p.get(key + ".running_var")[j];
            }
            for (int i = 0; i < b; i++) {
                out[i][j] = (h[i][j] - mean) / Math.sqrt(var + 1e-5) * gamma[j] + beta[j];
            }
        }
        return out;
    }

    static double[] scale(double[] z, double t) {
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] / t;
        }
        return out;
    }

    static double[] sigmoid(double[] z) {
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = RefMath.sigmoid(z[i]);
        }
        return out;
    }

    // ------------------------------------------------------------------ DYConv

    /** DYConv's expert weights {@code [B][K]}: softmax(fc2(relu(fc1(GAP(x)))) / T). */
    static double[][] dyConvAttention(double[][][][] x, Map<String, double[]> p, Geometry g) {
        double[][] d = descriptors(x, p, "attention.", g);
        double[][] a = new double[d.length][];
        for (int n = 0; n < d.length; n++) {
            double[] h = RefMath.relu(fc(p, "attention.fc1", d[n]));
            a[n] = RefMath.softmax(fc(p, "attention.fc2", h), g.temperature);
        }
        return a;
    }

    static double[][][][] dyConv(double[][][][] x, Map<String, double[]> p, int[] kernelShape5,
            Geometry g) {
        double[][] a = dyConvAttention(x, p, g);
        int k = kernelShape5[0];
        int o = kernelShape5[1];
        double[][][][][] w = Tensors.to5(p.get("weight"), k, o, kernelShape5[2], kernelShape5[3],
                kernelShape5[4]);
        double[][] bias = p.containsKey("bias") ? Tensors.to2(p.get("bias"), k, o) : null;
        return RefMath.conv2d(x, mix(a, w), mixBias(a, bias), g.stride, g.padding, g.dilation,
                g.groups);
    }

    static double[][][][][] mix(double[][] a, double[][][][][] w) {
        int b = a.length;
        int o = w[0].length;
        int ci = w[0][0].length;
        int kh = w[0][0][0].length;
        int kw = w[0][0][0][0].length;
        double[][][][][] out = new double[b][o][ci][kh][kw];
        for (int n = 0; n < b; n++) {
            for (int e = 0; e < w.length; e++) {
                for (int oc = 0; oc < o; oc++) {
                    for (int c = 0; c < ci; c++) {
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                out[n][oc][c][i][j] += a[n][e] * w[e][oc][c][i][j];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static double[][] mixBias(double[][] a, double[][] bias) {
        if (bias == null) {
            return null;
        }
        double[][] out = new double[a.length][bias[0].length];
        for (int n = 0; n < a.length; n++) {
            for (int e = 0; e < bias.length; e++) {
                for (int oc = 0; oc < bias[0].length; oc++) {
                    out[n][oc] += a[n][e] * bias[e][oc];
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ ODConv

    /** ODConv's four attentions per sample; a skipped one is null. */
    record OdAttentions(double[][] channel, double[][] filter, double[][] spatial,
            double[][] kernel) {}

    static OdAttentions odConvAttentions(double[][][][] x, Map<String, double[]> p, Geometry g) {
        double[][] d = descriptors(x, p, "attention.", g);
        int b = d.length;
        double[][] h = new double[b][];
        for (int n = 0; n < b; n++) {
            h[n] = fc(p, "attention.fc", d[n]);
        }
        h = batchNorm(h, p, "attention.bn", g.batchStatistics);
        double[][] ch = new double[b][];
        double[][] fi = p.containsKey("attention.filter_fc.weight") ? new double[b][] : null;
        double[][] sp = p.containsKey("attention.spatial_fc.weight") ? new double[b][] : null;
        double[][] ke = p.containsKey("attention.kernel_fc.weight") ? new double[b][] : null;
        for (int n = 0; n < b; n++) {
            double[] r = RefMath.relu(h[n]);
            ch[n] = sigmoid(scale(fc(p, "attention.channel_fc", r), g.temperature));
            if (fi != null) {
                fi[n] = sigmoid(scale(fc(p, "attention.filter_fc", r), g.temperature));
            }
            if (sp != null) {
                sp[n] = sigmoid(scale(fc(p, "attention.spatial_fc", r), g.temperature));
            }
            if (ke != null) {
                ke[n] = RefMath.softmax(fc(p, "attention.kernel_fc", r), g.temperature);
            }
        }
        return new OdAttentions(ch, fi, sp, ke);
    }

    /**
     * ODConv: {@code y = filter * conv(x * channel, sum_k kernel_k * spatial * W_k)}, the
     * channel attention applied to the kernel's input channels here (equal to scaling x).
     */
    static double[][][][] odConv(double[][][][] x, Map<String, double[]> p, int[] ws,
            Geometry g) {
        OdAttentions a = odConvAttentions(x, p, g);
        int b = x.length;
        int k = ws[0];
        int o = ws[1];
        int ci = ws[2];
        int kh = ws[3];
        int kw = ws[4];
        double[][][][][] w = Tensors.to5(p.get("weight"), k, o, ci, kh, kw);
        double[][][][][] kernels = new double[b][o][ci][kh][kw];
        int og = o / g.groups;
        for (int n = 0; n < b; n++) {
            for (int e = 0; e < k; e++) {
                double ak = a.kernel() == null ? 1 : a.kernel()[n][e];
                for (int oc = 0; oc < o; oc++) {
                    for (int c = 0; c < ci; c++) {
                        int ch = (oc / og) * ci + c; // the input channel this kernel slice reads
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                double s = a.spatial() == null ? 1 : a.spatial()[n][i * kw + j];
                                kernels[n][oc][c][i][j] += ak * s * w[e][oc][c][i][j]
                                        * a.channel()[n][ch];
                            }
                        }
                    }
                }
            }
        }
        double[][][][] y = RefMath.conv2d(x, kernels, null, g.stride, g.padding, g.dilation,
                g.groups);
        if (a.filter() != null) {
            for (int n = 0; n < b; n++) {
                for (int oc = 0; oc < o; oc++) {
                    for (double[] row : y[n][oc]) {
                        for (int j = 0; j < row.length; j++) {
                            row[j] *= a.filter()[n][oc];
                        }
                    }
                }
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ KernelWarehouse

    /** A KW layer's layout in its warehouse. */
    record KwLayout(int cells, int cellOut, int cellIn, int groupsOut, int groupsIn, int kh,
            int kw, double[] assignment) {
        int mixtures() {
            return groupsOut * groupsIn * kh * kw;
        }
    }

    /**
     * KW's attention {@code [B][L][M]}: fc1, BN, ReLU, fc2, each row of M + 1 divided by its
     * absolute sum + 1e-3, blended with the one-hot assignment by t, zero cell dropped.
     */
    static double[][][] kwAttention(double[][][][] x, Map<String, double[]> p, KwLayout lay,
            Geometry g) {
        double[][] d = descriptors(x, p, "attention.", g);
        int b = d.length;
        double[][] h = new double[b][];
        for (int n = 0; n < b; n++) {
            h[n] = fc(p, "attention.fc1", d[n]);
        }
        h = batchNorm(h, p, "attention.norm1", g.batchStatistics);
        int m = lay.cells();
        int l = lay.mixtures();
        double t = g.temperature;
        double[][][] out = new double[b][l][m];
        for (int n = 0; n < b; n++) {
            double[] z = fc(p, "attention.fc2", RefMath.relu(h[n]));
            for (int i = 0; i < l; i++) {
                double abs = 0;
                for (int j = 0; j <= m; j++) {
                    abs += Math.abs(z[i * (m + 1) + j]);
                }
                for (int j = 0; j < m; j++) {
                    double v = z[i * (m + 1) + j] / (abs + 1e-3);
                    out[n][i][j] = (1 - t) * v + t * lay.assignment()[i * (m + 1) + j];
                }
            }
        }
        return out;
    }

    /**
     * KW's kernel assembly from the paper's definition: kernel position s = (i, j), output
     * group go = o / co and input group gi = c / ci select the layer's cell
     * {@code l = (s * GO + go) * GI + gi}, built as {@code sum_m a[l][m] cells[m][o % co][c % ci]}.
     */
    static double[][][][][] kwKernels(double[][][] a, double[] cells, KwLayout lay, int o,
            int cin) {
        int b = a.length;
        int co = lay.cellOut();
        int ci = lay.cellIn();
        double[][][][][] k = new double[b][o][cin][lay.kh()][lay.kw()];
        for (int n = 0; n < b; n++) {
            for (int oc = 0; oc < o; oc++) {
                for (int c = 0; c < cin; c++) {
                    for (int i = 0; i < lay.kh(); i++) {
                        for (int j = 0; j < lay.kw(); j++) {
                            int s = i * lay.kw() + j;
                            int l = (s * lay.groupsOut() + oc / co) * lay.groupsIn() + c / ci;
                            double v = 0;
                            for (int m = 0; m < lay.cells(); m++) {
                                v += a[n][l][m] * cells[(m * co + oc % co) * ci + c % ci];
                            }
                            k[n][oc][c][i][j] = v;
                        }
                    }
                }
            }
        }
        return k;
    }

    static double[][][][] kw(double[][][][] x, Map<String, double[]> p, String cellsKey,
            KwLayout lay, int o, Geometry g) {
        double[][][] a = kwAttention(x, p, lay, g);
        int cin = x[0].length / g.groups;
        double[][][][][] k = kwKernels(a, p.get(cellsKey), lay, o, cin);
        double[][] bias = null;
        if (p.containsKey("bias")) {
            bias = new double[x.length][];
            for (int n = 0; n < x.length; n++) {
                bias[n] = p.get("bias");
            }
        }
        return RefMath.conv2d(x, k, bias, g.stride, g.padding, g.dilation, g.groups);
    }
}
