package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineSetup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-channel descriptor of a dynamic convolution's attention: {@code [B, C, H, W] -> [B, C]}.
 *
 * <p>In {@link AttentionMode#FAT} mode this is the paper's Frequency Attention (section 3.3):
 * adaptive average pooling to {@code p x p}, a 2-D DCT per channel, the top-left {@code n x n}
 * (and optionally bottom-right {@code h x h}) coefficients, then a {@link FrequencyFusion} to one
 * value per channel. In {@link AttentionMode#GAP} mode it is global average pooling, the squeeze
 * of DYConv, ODConv and KernelWarehouse. One component serves FADConv, FODConv and FKW.
 *
 * <p>Pooling and the DCT are both linear, so they are fused into small matrices per input size,
 * {@code A_h = T * P_h} ({@code m x H}) and {@code A_w = T * P_w} ({@code m x W}), where
 * {@code P} holds PyTorch's adaptive pooling windows and {@code T} only the {@code m = n + h}
 * kept rows of the DCT basis: the kept coefficients are {@code A_h * X * A_w^T}, and no full
 * {@code p x p} DCT or pooled map is ever computed. On maps of more than
 * {@value #ONE_PRODUCT_MAX_PIXELS} pixels that is two products ({@code A_h} times every channel's
 * map in one batched product, then that times {@code A_w^T}; channels-last input is read in place
 * as {@code [B, H, W, C]}). On smaller
 * maps those {@code B C} tiny second products cost more than their arithmetic, and one product
 * is faster: the {@code f = n^2 + h^2} kept pairs {@code (u, v)} make the columns of one matrix
 * {@code [H W, f]} (entries {@code A_h[u, i] A_w[v, j]}), and a batch is
 * {@code X [B C, H W] x [H W, f]} (measured: {@code fadconv bench dct}, BENCHMARKS.md). The
 * matrices are built once per input size and cached.
 */
public final class FrequencyAttention extends AbstractBlock implements TorchModule {

    /** Hidden width of the fusion network, as in the reference. */
    public static final int FUSION_HIDDEN = 32;
    /** The largest map (H W) whose coefficients are one product with the [H W, f] basis. */
    public static final int ONE_PRODUCT_MAX_PIXELS = 16 * 16;

    private static final byte VERSION = 1;
    /** FcaNet's "top" frequency ranking on a 7 x 7 grid ({@code get_freq_indices('top32')}). */
    private static final int[] FCA_TOP_X = {0, 0, 6, 0, 0, 1, 1, 4, 5, 1, 3, 0, 0, 0, 3, 2, 4, 6,
        3, 5, 5, 2, 6, 5, 5, 3, 3, 4, 2, 2, 6, 1};
    private static final int[] FCA_TOP_Y = {0, 1, 0, 5, 2, 0, 2, 0, 0, 6, 0, 4, 6, 3, 5, 2, 6, 3,
        3, 3, 5, 1, 1, 2, 4, 2, 1, 1, 3, 0, 5, 3};

    private final AttentionMode mode;
    private final FrequencyFusion fusion;
    private final int poolSize;
    private final int low;
    private final int high;
    private final int fcaFrequencies;
    private final SequentialBlock fusionNet;
    private long channels = -1;
    private NDManager constants;
    private final Map<Long, NDArray[]> cache = new ConcurrentHashMap<>();

    private FrequencyAttention(Builder b) {
        super(VERSION);
        mode = b.mode;
        fusion = b.fusion;
        poolSize = b.poolSize;
        low = b.low;
        high = b.high;
        fcaFrequencies = b.fcaFrequencies;
        if (mode == AttentionMode.FAT && fusion == FrequencyFusion.NETWORK) {
            fusionNet = addChildBlock("fusion", Layers.mlp(FUSION_HIDDEN, 1));
        } else {
            fusionNet = null;
        }
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the attention mode */
    public AttentionMode mode() {
        return mode;
    }

    /** @return the fusion mode (meaningful in FAT mode) */
    public FrequencyFusion fusion() {
        return fusion;
    }

    /** @return the pool size p */
    public int poolSize() {
        return poolSize;
    }

    /** @return the low-frequency block size n */
    public int lowFrequencies() {
        return low;
    }

    /** @return the high-frequency block size h */
    public int highFrequencies() {
        return high;
    }

    /** @return the number of coefficients fused per channel, n*n + h*h */
    public int frequencyFeatures() {
        return low * low + high * high;
    }

    /**
     * The number of FcaNet frequency groups used for {@code channels} channels: the configured
     * count, halved until it divides the channel count (FcaNet requires divisibility).
     *
     * @param channels the channel count
     * @return the group count
     */
    public int fcaGroups(long channels) {
        int f = fcaFrequencies;
        while (f > 1 && channels % f != 0) {
            f /= 2;
        }
        return f;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException(
                    "FrequencyAttention expects [B, C, H, W] input, got " + s);
        }
        long b = s.get(0);
        long c = s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        // channels-last input is read in place as [B, H W, C] (see coefficients)
        ConvLayout memory = EngineSetup.active().layout();
        boolean nhwc = memory == ConvLayout.CHANNELS_LAST;
        if (mode == AttentionMode.GAP || fusion == FrequencyFusion.FCA) {
            NDArray pixels = nhwc ? x.transpose(0, 2, 3, 1).reshape(b, (long) h * w, c)
                    : x.reshape(b, c, (long) h * w);
            int[] pixelAxis = {nhwc ? 1 : 2};
            if (mode == AttentionMode.GAP) {
                return new NDList(pixels.mean(pixelAxis));
            }
            NDArray filter = constants(h, w, x)[0]; // [C, H*W]
            return new NDList(pixels.mul(nhwc ? filter.transpose() : filter).sum(pixelAxis));
        }
        NDArray features = coefficients(x, Form.choose(h, w), memory);
        NDArray descriptor;
        switch (fusion) {
            case NETWORK:
                descriptor = fusionNet.forward(ps, new NDList(features), training)
                        .singletonOrThrow();
                descriptor = Activation.sigmoid(descriptor);
                break;
            case SUM:
                descriptor = features.sum(new int[] {2}, true);
                break;
            case ABS_SUM:
                descriptor = features.abs().sum(new int[] {2}, true);
                break;
            default:
                throw new IllegalStateException("unhandled fusion " + fusion);
        }
        return new NDList(descriptor.reshape(b, c));
    }

    /**
     * The kept DCT coefficients of the adaptively pooled input, flattened as the reference does:
     * the low {@code n x n} block row-major, then the high {@code h x h} block.
     *
     * @param x the input {@code [B, C, H, W]}
     * @return {@code [B, C, n*n + h*h]}
     */
    public NDArray coefficients(NDArray x) {
        Shape s = x.getShape();
        return coefficients(x, Form.choose((int) s.get(2), (int) s.get(3)));
    }

    /**
     * How {@link #coefficients} multiplies: both give the same numbers (to float32 rounding);
     * which is faster depends on the map size ({@code fadconv bench dct} measures them).
     */
    public enum Form {
        /** {@code X [B C, H W] x [H W, f]}: one product with the basis of the kept pairs. */
        ONE_PRODUCT,
        /** {@code A_h X} for every channel in one batched product, then times {@code A_w^T}. */
        TWO_PRODUCTS;

        /**
         * The measured choice: one product on maps of at most
         * {@value FrequencyAttention#ONE_PRODUCT_MAX_PIXELS} pixels, two above. Batch 8, 2 cores,
         * forward + backward, alternating order: one product 1.11 ms against 1.91 at 512
         * channels 16 x 16 and 0.34 against 1.05 at 8 x 8; within the noise at 256 channels
         * 32 x 32 (2.07, 2.23) and 128 channels 64 x 64 (4.40, 4.50); two products 18.4 against
         * 20.1 at 64 channels 128 x 128, where their quarter of the multiply-adds counts.
         *
         * @param h the map height
         * @param w the map width
         * @return the form
         */
        public static Form choose(int h, int w) {
            return (long) h * w <= ONE_PRODUCT_MAX_PIXELS ? ONE_PRODUCT : TWO_PRODUCTS;
        }
    }

    /**
     * The kept DCT coefficients computed in a given {@link Form}, reading the input in the memory
     * order the engine configuration's convolutions leave it in.
     *
     * @param x the input {@code [B, C, H, W]}
     * @param form how to multiply
     * @return {@code [B, C, n*n + h*h]}
     */
    public NDArray coefficients(NDArray x, Form form) {
        return coefficients(x, form, EngineSetup.active().layout());
    }

    /**
     * The kept DCT coefficients computed in a given {@link Form} from input held in a given
     * memory order. The products of the NCHW order would copy a channels-last input whole (and
     * its gradient back) before reading it, so channels-last input is read in place as
     * {@code [B, H, W, C]}: same numbers to float32 rounding, no copy of the input.
     *
     * @param x the input {@code [B, C, H, W]}
     * @param form how to multiply
     * @param memory the order x's memory is in (either is correct for any x; the other costs a
     *     copy)
     * @return {@code [B, C, n*n + h*h]}
     */
    public NDArray coefficients(NDArray x, Form form, ConvLayout memory) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int m = low + high;
        NDArray[] mats = constants(h, w, form, x);
        if (memory == ConvLayout.CHANNELS_LAST) {
            NDArray nhwc = x.transpose(0, 2, 3, 1); // a view of channels-last memory
            if (form == Form.ONE_PRODUCT) {
                // [B, f, H W] (the basis, broadcast) x [B, H W, C] -> [B, f, C]
                long f = frequencyFeatures();
                NDArray basis = Layers.reshapeFor(mats[0], x, mats[0].getShape())
                        .broadcast(new Shape(b, f, (long) h * w));
                return basis.batchMatMul(nhwc.reshape(b, (long) h * w, c)).transpose(0, 2, 1);
            }
            // [B H, m, W] x [B H, W, C] -> [B, H, m C]; [B, m, H] x that -> [B, m, m, C]
            NDArray aw = Layers.reshapeFor(mats[1], x, mats[1].getShape())
                    .broadcast(new Shape(b * h, m, w));
            NDArray right = aw.batchMatMul(nhwc.reshape(b * h, w, c)).reshape(b, h, (long) m * c);
            NDArray ah = Layers.reshapeFor(mats[0], x, mats[0].getShape())
                    .broadcast(new Shape(b, m, h));
            return kept(ah.batchMatMul(right).reshape(b, m, m, c).transpose(0, 3, 1, 2));
        }
        if (form == Form.ONE_PRODUCT) {
            // [B*C, H*W] x [H*W, f] (the basis stored as [f, H*W], read transposed); the product
            // lives in x's manager (its first operand's)
            return x.reshape(b * c, (long) h * w).matMul(Layers.reshapeFor(mats[0], x,
                    mats[0].getShape()).transpose()).reshape(b, c, frequencyFeatures());
        }
        // [B C, m, H] (A_h broadcast) x [B C, H, W] -> [B C, m, W]: each output row combines
        // whole rows of the map, which reads it at memory speed (W-long dot products for the
        // m columns of X A_w^T first were 2-4x slower, AMD EPYC); then x A_w^T -> [B C, m, m].
        // A_h is viewed in x's manager, so the products live there, not with the constants.
        NDArray left = Layers.reshapeFor(mats[0], x, mats[0].getShape())
                .broadcast(new Shape(b * c, m, h)).batchMatMul(x.reshape(b * c, h, w));
        NDArray z = left.matMul(Layers.reshapeFor(mats[1], x, mats[1].getShape()).transpose());
        return kept(z.reshape(b, c, m, m));
    }

    /** The kept blocks of {@code [B, C, m, m]} products, flattened as the reference does. */
    private NDArray kept(NDArray z) {
        Shape s = z.getShape();
        long b = s.get(0);
        long c = s.get(1);
        if (high == 0) {
            return z.reshape(b, c, (long) low * low);
        }
        NDArray lo = z.get(new NDIndex(":, :, :{}, :{}", low, low)).reshape(b, c,
                (long) low * low);
        NDArray hi = z.get(new NDIndex(":, :, {}:, {}:", low, low)).reshape(b, c,
                (long) high * high);
        return lo.concat(hi, 2);
    }

    /**
     * The fused pool-and-DCT matrices for an input size, in double precision: {@code [0]} is
     * {@code A_h} ({@code m x H}), {@code [1]} is {@code A_w} ({@code m x W}).
     *
     * @param h the input height
     * @param w the input width
     * @return the two matrices
     */
    public double[][][] poolDctMatrices(int h, int w) {
        double[][] t = DctBasis.truncated(poolSize, DctBasis.keptFrequencies(poolSize, low, high));
        return new double[][][] {
            multiply(t, AdaptivePooling.matrix(h, poolSize)),
            multiply(t, AdaptivePooling.matrix(w, poolSize))
        };
    }

    /**
     * The matrix that gives the kept coefficients of a flattened channel, in double precision:
     * {@code [H W][f]}, column {@code k} for the k-th kept pair {@code (u, v)} in the reference's
     * order (the low {@code n x n} block row-major, then the high {@code h x h} block), entry
     * {@code A_h[u, i] A_w[v, j]} in row {@code i W + j}.
     *
     * @param h the input height
     * @param w the input width
     * @return the matrix
     */
    public double[][] coefficientBasis(int h, int w) {
        double[][][] a = poolDctMatrices(h, w);
        int f = frequencyFeatures();
        int[] rows = new int[f];
        int[] cols = new int[f];
        int k = 0;
        for (int u = 0; u < low; u++) {
            for (int v = 0; v < low; v++) {
                rows[k] = u;
                cols[k++] = v;
            }
        }
        for (int u = 0; u < high; u++) {
            for (int v = 0; v < high; v++) {
                rows[k] = low + u;
                cols[k++] = low + v;
            }
        }
        double[][] out = new double[h * w][f];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                for (k = 0; k < f; k++) {
                    out[i * w + j][k] = a[0][rows[k]][i] * a[1][cols[k]][j];
                }
            }
        }
        return out;
    }

    /**
     * The FcaNet filter of each channel over the input grid, pooling folded in: {@code [C][H*W]}.
     *
     * @param channels the channel count
     * @param h the input height
     * @param w the input width
     * @return the filters
     */
    public double[][] fcaFilters(long channels, int h, int w) {
        int groups = fcaGroups(channels);
        long perGroup = channels / groups;
        int scale = poolSize / 7;
        double[][] ph = AdaptivePooling.matrix(h, poolSize);
        double[][] pw = AdaptivePooling.matrix(w, poolSize);
        double[][] out = new double[(int) channels][h * w];
        for (int g = 0; g < groups; g++) {
            double[] ah = pooledFilter(ph, FCA_TOP_X[g] * scale, h);
            double[] aw = pooledFilter(pw, FCA_TOP_Y[g] * scale, w);
            for (long c = g * perGroup; c < (g + 1) * perGroup; c++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        out[(int) c][i * w + j] = ah[i] * aw[j];
                    }
                }
            }
        }
        return out;
    }

    /** FcaNet's {@code build_filter} along one axis, pushed back through the pooling matrix. */
    private double[] pooledFilter(double[][] pool, int freq, int n) {
        double[] out = new double[n];
        for (int t = 0; t < poolSize; t++) {
            double f = Math.cos(Math.PI * freq * (t + 0.5) / poolSize) / Math.sqrt(poolSize);
            if (freq != 0) {
                f *= Math.sqrt(2);
            }
            for (int i = 0; i < n; i++) {
                out[i] += f * pool[t][i];
            }
        }
        return out;
    }

    private NDArray[] constants(int h, int w, NDArray like) {
        return constants(h, w, Form.TWO_PRODUCTS, like);
    }

    private NDArray[] constants(int h, int w, Form form, NDArray like) {
        long key = ((long) h << 32) | ((long) w << 1) | (form == Form.ONE_PRODUCT ? 1 : 0);
        return cache.computeIfAbsent(key, k -> {
            NDManager m = constantsManager();
            if (fusion == FrequencyFusion.FCA) {
                long c = like.getShape().get(1);
                return new NDArray[] {m.create(toFloat(fcaFilters(c, h, w)))};
            }
            if (form == Form.ONE_PRODUCT) {
                return new NDArray[] {m.create(toFloat(transpose(coefficientBasis(h, w))))};
            }
            double[][][] a = poolDctMatrices(h, w);
            return new NDArray[] {m.create(toFloat(a[0])), m.create(toFloat(a[1]))};
        });
    }

    private synchronized NDManager constantsManager() {
        if (constants == null) {
            constants = NDManager.newBaseManager();
        }
        return constants;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        channels = inputs[0].get(1);
        synchronized (this) {
            if (constants == null) {
                constants = manager.newSubManager();
            }
        }
        if (fusionNet != null) {
            Layers.initialize(fusionNet, manager, dataType,
                    new Shape(inputs[0].get(0), channels, frequencyFeatures()));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), inputs[0].get(1))};
    }

    /**
     * Multiply-adds of one sample, by part: {@link Costed#DCT} for pooling and the truncated
     * DCT as computed here ({@code C (H W m + W m^2)} as two products, {@code C H W f} as one on
     * maps of at most {@value #ONE_PRODUCT_MAX_PIXELS} pixels; GAP and FCA: one pass,
     * {@code C H W}),
     * {@link Costed#ATTENTION} for the fusion ({@code C (f 32 + 32)} for the network,
     * {@code C f} for the sums).
     *
     * @param input {@code [1, C, H, W]}
     * @return the counts
     */
    public Map<String, Long> madds(Shape input) {
        long c = input.get(1);
        long h = input.get(2);
        long w = input.get(3);
        long f = frequencyFeatures();
        if (mode == AttentionMode.GAP || fusion == FrequencyFusion.FCA) {
            return Map.of(Costed.DCT, c * h * w, Costed.ATTENTION, 0L);
        }
        long fused = fusion == FrequencyFusion.NETWORK
                ? c * (f * FUSION_HIDDEN + FUSION_HIDDEN) : c * f;
        long m = low + high;
        long dct = Form.choose((int) h, (int) w) == Form.ONE_PRODUCT ? c * h * w * f
                : c * (h * w * m + w * m * m);
        return Map.of(Costed.DCT, dct, Costed.ATTENTION, fused);
    }

    /**
     * The paper's DCT term (Eq. 5): {@code 2 C P^3}, a full p x p DCT per channel after pooling
     * (0 in GAP mode).
     *
     * @param channels C
     * @return the count
     */
    public long paperDctMadds(long channels) {
        return mode == AttentionMode.GAP ? 0 : 2 * channels * (long) poolSize * poolSize * poolSize;
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        if (fusionNet != null) {
            dict.child(prefix + "fusion.", fusionNet);
        }
        if (mode == AttentionMode.FAT && fusion != FrequencyFusion.FCA) {
            // The reference registers its full DCT matrix as a buffer: written so PyTorch's
            // strict loading accepts our files, compared on load to catch a pool-size mismatch.
            dict.constant(prefix + "dct.dct_matrix", new Shape(poolSize, poolSize),
                    flatten(toFloat(DctBasis.full(poolSize))));
        }
    }

    @Override
    public String toString() {
        if (mode == AttentionMode.GAP) {
            return "GAP";
        }
        return "FAT(p=" + poolSize + ", n=" + low + ", h=" + high + ", fusion=" + fusion.key() + ")";
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) {
                double v = a[i][t];
                for (int j = 0; j < m; j++) {
                    out[i][j] += v * b[t][j];
                }
            }
        }
        return out;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static float[][] toFloat(double[][] a) {
        float[][] f = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            f[i] = new float[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                f[i][j] = (float) a[i][j];
            }
        }
        return f;
    }

    static float[] flatten(float[][] a) {
        float[] out = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[0].length, a[i].length);
        }
        return out;
    }

    /** Builds a {@link FrequencyAttention}. */
    public static final class Builder {
        private AttentionMode mode = AttentionMode.FAT;
        private FrequencyFusion fusion = FrequencyFusion.NETWORK;
        private int poolSize = 16;
        private int low = 4;
        private int high = 0;
        private int fcaFrequencies = 16;

        Builder() {}

        /**
         * Sets the descriptor source. Default {@link AttentionMode#FAT}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder optMode(AttentionMode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * Sets the fusion of the kept coefficients. Default {@link FrequencyFusion#NETWORK}.
         *
         * @param fusion the fusion
         * @return this builder
         */
        public Builder optFusion(FrequencyFusion fusion) {
            this.fusion = fusion;
            return this;
        }

        /**
         * Sets the adaptive pooling size p. Default 16.
         *
         * @param poolSize the pool size
         * @return this builder
         */
        public Builder optPoolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /**
         * Sets n, the side of the kept top-left (low-frequency) block. Default 4.
         *
         * @param low the block side
         * @return this builder
         */
        public Builder optLowFrequencies(int low) {
            this.low = low;
            return this;
        }

        /**
         * Sets h, the side of the kept bottom-right (high-frequency) block. Default 0 (none).
         *
         * @param high the block side
         * @return this builder
         */
        public Builder optHighFrequencies(int high) {
            this.high = high;
            return this;
        }

        /**
         * Sets the number of FcaNet frequencies ({@code topK}) for {@link FrequencyFusion#FCA}.
         * Default 16 (FcaNet's {@code top16}).
         *
         * @param count 1, 2, 4, 8, 16 or 32
         * @return this builder
         */
        public Builder optFcaFrequencies(int count) {
            this.fcaFrequencies = count;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the block
         * @throws IllegalArgumentException naming the bad field and the allowed values
         */
        public FrequencyAttention build() {
            return build("FrequencyAttention");
        }

        /**
         * Validates, naming {@code owner} in messages, and builds.
         *
         * @param owner the layer the attention belongs to
         * @return the block
         */
        FrequencyAttention build(String owner) {
            validate(owner, mode, fusion, poolSize, low, high);
            if (Integer.bitCount(fcaFrequencies) != 1 || fcaFrequencies > 32) {
                throw new IllegalArgumentException(owner + ": fcaFrequencies must be "
                        + "one of 1, 2, 4, 8, 16, 32, got " + fcaFrequencies);
            }
            return new FrequencyAttention(this);
        }
    }

    static void validate(String owner, AttentionMode mode, FrequencyFusion fusion, int poolSize,
            int low, int high) {
        if (mode == null) {
            throw new IllegalArgumentException(owner + ": attention must be fat or gap, got null");
        }
        if (fusion == null) {
            throw new IllegalArgumentException(
                    owner + ": fusion must be one of " + FrequencyFusion.validKeys() + ", got null");
        }
        Layers.requireAtLeast(owner, "poolSize", poolSize, 1);
        if (low < 1 || low > poolSize) {
            throw new IllegalArgumentException(owner + ": lowFrequencies must be in 1.." + poolSize
                    + " (the pool size), got " + low);
        }
        if (high < 0 || high > poolSize) {
            throw new IllegalArgumentException(owner + ": highFrequencies must be in 0.." + poolSize
                    + " (the pool size), got " + high);
        }
    }
}
