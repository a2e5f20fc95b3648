package io.fadconv.testing;

/**
 * FADConv's forward pass in double precision, written from the paper (section 3) and the
 * authors' {@code FADConv.py}: adaptive pool, full 2-D DCT, crop, fusion, routing, softmax,
 * kernel mixing, per-sample convolution. No DJL.
 */
public final class FadConvReference {

    /** Descriptor source and fusion, as in the layer's options. */
    public enum Mode {
        NETWORK,
        SUM,
        ABS_SUM,
        FCA,
        GAP
    }

    /** Everything the forward pass needs. */
    public static final class Weights {
        public double[][][][][] experts; // [K][O][C/g][kh][kw]
        public double[][] bias; // [K][O] or null
        public double[][] fusion0W; // [32][f]
        public double[] fusion0B;
        public double[][] fusion2W; // [1][32]
        public double[] fusion2B;
        public double[][] routing0W; // [hid][C]
        public double[] routing0B;
        public double[][] routing2W; // [K][hid]
        public double[] routing2B;
    }

    /** Configuration. */
    public static final class Config {
        public int poolSize = 16;
        public int low = 4;
        public int high;
        public Mode mode = Mode.NETWORK;
        public int fcaFrequencies = 16;
        public double temperature = 1;
        public int[] stride = {1, 1};
        public int[] padding = {0, 0};
        public int[] dilation = {1, 1};
        public int groups = 1;
    }

    private FadConvReference() {}

    /**
     * The channel descriptors, {@code [B][C]}.
     *
     * @param x input
     * @param w weights
     * @param cfg configuration
     * @return descriptors
     */
    public static double[][] descriptors(double[][][][] x, Weights w, Config cfg) {
        int b = x.length;
        int c = x[0].length;
        double[][] d = new double[b][c];
        for (int n = 0; n < b; n++) {
            for (int ch = 0; ch < c; ch++) {
                double[][] plane = x[n][ch];
                if (cfg.mode == Mode.GAP) {
                    double s = 0;
                    for (double[] row : plane) {
                        for (double v : row) {
                            s += v;
                        }
                    }
                    d[n][ch] = s / (plane.length * plane[0].length);
                    continue;
                }
                double[][] pooled = RefMath.adaptiveAvgPool(plane, cfg.poolSize);
                if (cfg.mode == Mode.FCA) {
                    d[n][ch] = fca(pooled, ch, c, cfg);
                    continue;
                }
                double[] f = kept(RefMath.dct2(pooled), cfg.low, cfg.high);
                switch (cfg.mode) {
                    case NETWORK -> d[n][ch] = RefMath.sigmoid(RefMath.linear(w.fusion2W, w.fusion2B,
                            RefMath.relu(RefMath.linear(w.fusion0W, w.fusion0B, f)))[0]);
                    case SUM -> d[n][ch] = sum(f, false);
                    case ABS_SUM -> d[n][ch] = sum(f, true);
                    default -> throw new IllegalStateException();
                }
            }
        }
        return d;
    }

    /**
     * The expert weights, {@code [B][K]}.
     *
     * @param descriptors channel descriptors
     * @param w weights
     * @param cfg configuration
     * @return softmax weights
     */
    public static double[][] routing(double[][] descriptors, Weights w, Config cfg) {
        double[][] out = new double[descriptors.length][];
        for (int n = 0; n < descriptors.length; n++) {
            double[] z = RefMath.linear(w.routing2W, w.routing2B,
                    RefMath.relu(RefMath.linear(w.routing0W, w.routing0B, descriptors[n])));
            out[n] = RefMath.softmax(z, cfg.temperature);
        }
        return out;
    }

    /**
     * The whole forward pass.
     *
     * @param x input {@code [B][C][H][W]}
     * @param w weights
     * @param cfg configuration
     * @return output {@code [B][O][H'][W']}
     */
    public static double[][][][] forward(double[][][][] x, Weights w, Config cfg) {
        double[][] a = routing(descriptors(x, w, cfg), w, cfg);
        int b = x.length;
        int k = w.experts.length;
        int o = w.experts[0].length;
        int ci = w.experts[0][0].length;
        int kh = w.experts[0][0][0].length;
        int kw = w.experts[0][0][0][0].length;
        double[][][][][] kernels = new double[b][o][ci][kh][kw];
        double[][] bias = w.bias == null ? null : new double[b][o];
        for (int n = 0; n < b; n++) {
            for (int e = 0; e < k; e++) {
                for (int oc = 0; oc < o; oc++) {
                    for (int c = 0; c < ci; c++) {
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                kernels[n][oc][c][i][j] += a[n][e] * w.experts[e][oc][c][i][j];
                            }
                        }
                    }
                    if (bias != null) {
                        bias[n][oc] += a[n][e] * w.bias[e][oc];
                    }
                }
            }
        }
        return RefMath.conv2d(x, kernels, bias, cfg.stride, cfg.padding, cfg.dilation, cfg.groups);
    }

    /** Top-left low x low block row-major, then the bottom-right high x high block. */
    static double[] kept(double[][] dct, int low, int high) {
        int p = dct.length;
        double[] f = new double[low * low + high * high];
        int k = 0;
        for (int u = 0; u < low; u++) {
            for (int v = 0; v < low; v++) {
                f[k++] = dct[u][v];
            }
        }
        for (int u = p - high; u < p; u++) {
            for (int v = p - high; v < p; v++) {
                f[k++] = dct[u][v];
            }
        }
        return f;
    }

    private static double sum(double[] f, boolean abs) {
        double s = 0;
        for (double v : f) {
            s += abs ? Math.abs(v) : v;
        }
        return s;
    }

    /** FcaNet's MultiSpectralDCTLayer for one channel of the pooled map. */
    private static double fca(double[][] pooled, int ch, int channels, Config cfg) {
        int[] topX = {0, 0, 6, 0, 0, 1, 1, 4, 5, 1, 3, 0, 0, 0, 3, 2, 4, 6, 3, 5, 5, 2, 6, 5, 5,
            3, 3, 4, 2, 2, 6, 1};
        int[] topY = {0, 1, 0, 5, 2, 0, 2, 0, 0, 6, 0, 4, 6, 3, 5, 2, 6, 3, 3, 3, 5, 1, 1, 2, 4,
            2, 1, 1, 3, 0, 5, 3};
        int groups = cfg.fcaFrequencies;
        while (groups > 1 && channels % groups != 0) {
            groups /= 2;
        }
        int g = ch / (channels / groups);
        int p = cfg.poolSize;
        int u = topX[g] * (p / 7);
        int v = topY[g] * (p / 7);
        double s = 0;
        for (int tx = 0; tx < p; tx++) {
            for (int ty = 0; ty < p; ty++) {
                s += pooled[tx][ty] * filter(tx, u, p) * filter(ty, v, p);
            }
        }
        return s;
    }

    private static double filter(int pos, int freq, int size) {
        double r = Math.cos(Math.PI * freq * (pos + 0.5) / size) / Math.sqrt(size);
        return freq == 0 ? r : r * Math.sqrt(2);
    }
}
