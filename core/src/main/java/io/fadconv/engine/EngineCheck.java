package io.fadconv.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Does the engine compute convolutions right here, under a configuration? Each case runs a
 * convolution's forward pass and both gradients in float32 and compares them with the same in
 * float64 (which ATen computes without oneDNN); the cases are the shape classes found wrong on an
 * AMD Zen 5 (docs/engine-correctness.md) and one of each kind found right. The errors there were
 * intermittent, so the cases are repeated; a round with a wrong case ends the check. A second
 * part runs identical forward passes and requires bitwise identical results.
 *
 * <p>Runs outside DJL's {@code GradientCollector} (autograd is driven directly), so it may run
 * lazily inside a caller's training step, and it draws its data from Java's generator, never
 * from the engine's, so seeded runs stay reproducible.
 */
public final class EngineCheck {

    /** Relative error above which a result counts as wrong; right answers are near 1e-6. */
    public static final double TOLERANCE = 1e-4;

    /** Repeats unless {@code fadconv.engine.check.repeats} says otherwise. */
    public static final int DEFAULT_REPEATS = 4;

    /** Forward passes compared bit for bit. */
    private static final int IDENTICAL_PASSES = 4;

    /**
     * The cases: the classes found wrong on an AMD Zen 5 in PyTorch's default layout, then the
     * classes found wrong there in channels-last too (and one found wrong in NCHW at channel
     * counts that are multiples of 16), then one of each found right. docs/engine-correctness.md
     * tells which.
     */
    public static final List<CheckCase> CASES = List.of(
            new CheckCase(1, 3, 8, 8, 5, 1, 2, 1),
            new CheckCase(1, 16, 8, 12, 5, 1, 2, 1),
            new CheckCase(2, 8, 8, 9, 3, 1, 1, 1),
            new CheckCase(2, 4, 4, 32, 3, 1, 1, 1),
            new CheckCase(2, 16, 8, 16, 3, 1, 1, 1),
            new CheckCase(2, 8, 6, 48, 3, 1, 1, 1),
            new CheckCase(2, 16, 1, 64, 3, 1, 1, 1),
            new CheckCase(2, 24, 16, 8, 3, 1, 1, 1),
            new CheckCase(2, 6, 12, 9, 3, 1, 1, 6),
            new CheckCase(2, 1, 4, 9, 3, 1, 1, 1),
            new CheckCase(2, 40, 40, 16, 1, 1, 0, 1),
            new CheckCase(2, 160, 80, 7, 1, 1, 0, 1),
            new CheckCase(2, 64, 64, 16, 3, 1, 2, 2, 64),
            new CheckCase(8, 80, 160, 7, 3, 2, 1, 1),
            new CheckCase(2, 24, 24, 16, 3, 1, 1, 24),
            new CheckCase(1, 64, 64, 8, 3, 1, 1, 8),
            new CheckCase(2, 3, 8, 32, 7, 2, 3, 1),
            new CheckCase(4, 64, 64, 16, 3, 1, 1, 1));

    /**
     * One convolution checked.
     *
     * @param batch batch size
     * @param in input channels
     * @param out output channels
     * @param size input height and width
     * @param kernel kernel size
     * @param stride stride
     * @param padding padding
     * @param dilation dilation
     * @param groups groups
     */
    public record CheckCase(int batch, int in, int out, int size, int kernel, int stride,
            int padding, int dilation, int groups) {

        /** A case without dilation. */
        CheckCase(int batch, int in, int out, int size, int kernel, int stride, int padding,
                int groups) {
            this(batch, in, out, size, kernel, stride, padding, 1, groups);
        }

        /**
         * The output's side.
         *
         * @return the output size along each axis
         */
        int outputSize() {
            return (int) LiveTaps.outputSize(size, kernel, stride, padding, dilation);
        }

        /**
         * A short label, as the probe prints it.
         *
         * @return e.g. {@code N1 C3->8 8x8 k5 s1 g1}
         */
        public String label() {
            return "N" + batch + " C" + in + "->" + out + " " + size + "x" + size + " k" + kernel
                    + " s" + stride + (dilation == 1 ? "" : " d" + dilation) + " g" + groups;
        }
    }

    /**
     * The worst relative errors of one case over its repeats (NaN if any result was NaN).
     *
     * @param label the case
     * @param y forward output
     * @param dx gradient of the input
     * @param dw gradient of the weight
     */
    public record CaseResult(String label, double y, double dx, double dw) {

        /**
         * Whether every error is below {@link #TOLERANCE}.
         *
         * @return true when right
         */
        public boolean right() {
            return y < TOLERANCE && dx < TOLERANCE && dw < TOLERANCE;
        }

        /**
         * The largest of the three errors (NaN if any is NaN).
         *
         * @return the worst error
         */
        public double worst() {
            return worse(worse(y, dx), dw);
        }
    }

    /**
     * The check of one configuration.
     *
     * @param config the configuration checked
     * @param cases per case, the worst errors
     * @param identical whether repeated forward passes gave identical bits
     * @param rounds rounds run (fewer than asked when a round found a wrong case)
     * @param millis time taken
     * @param simulatedFailure non-null when the result was forced to fail (testing the fallback)
     */
    public record Report(EngineConfig config, List<CaseResult> cases, boolean identical,
            int rounds, double millis, String simulatedFailure) {

        /**
         * Whether the configuration computes convolutions right here.
         *
         * @return true when every case is right, passes are identical, nothing simulated
         */
        public boolean passed() {
            return simulatedFailure == null && identical
                    && cases.stream().allMatch(CaseResult::right);
        }

        /**
         * The case with the largest error.
         *
         * @return the case, or null without cases
         */
        public CaseResult worstCase() {
            CaseResult w = null;
            for (CaseResult c : cases) {
                // Double.compare ranks NaN above every number, so a NaN case stays the worst
                if (w == null || Double.compare(c.worst(), w.worst()) > 0) {
                    w = c;
                }
            }
            return w;
        }

        /**
         * One line for logs and errors.
         *
         * @return e.g. {@code default: wrong (dx error 3.5e-01 at N1 C3->8 8x8 k5 s1 g1)}
         */
        public String summary() {
            if (simulatedFailure != null) {
                return config + ": made to fail (" + simulatedFailure + ")";
            }
            CaseResult w = worstCase();
            String worst = w == null ? "" : String.format(" (worst relative error %.1e at %s)",
                    w.worst(), w.label());
            if (!identical) {
                return config + ": wrong, repeated forward passes differ" + worst;
            }
            return config + (passed() ? ": right" : ": WRONG") + worst;
        }
    }

    private EngineCheck() {}

    /**
     * Checks the configuration currently applied to the engine.
     *
     * @param config the configuration applied (each of its layouts is checked)
     * @param repeats rounds over the cases
     * @return the report
     */
    public static Report run(EngineConfig config, int repeats) {
        long t0 = System.nanoTime();
        Random random = new Random(20261129L);
        double[][] worst = new double[CASES.size()][3];
        int rounds = 0;
        boolean identical;
        boolean prevGrad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            boolean wrong = false;
            while (rounds < repeats && !wrong) {
                for (int i = 0; i < CASES.size(); i++) {
                    for (ConvLayout layout : config.layouts()) {
                        try (NDManager sub = m.newSubManager()) {
                            double[] e = errors(sub, CASES.get(i), layout, random);
                            for (int k = 0; k < 3; k++) {
                                worst[i][k] = worse(worst[i][k], e[k]);
                            }
                            wrong |= !(worse(worse(e[0], e[1]), e[2]) < TOLERANCE);
                        }
                    }
                }
                rounds++;
            }
            identical = true;
            for (ConvLayout layout : config.layouts()) {
                identical &= identicalPasses(m, layout, random);
            }
        } finally {
            JniUtils.setGradMode(prevGrad);
        }
        List<CaseResult> cases = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            cases.add(new CaseResult(CASES.get(i).label(), worst[i][0], worst[i][1], worst[i][2]));
        }
        return new Report(config, List.copyOf(cases), identical, rounds,
                (System.nanoTime() - t0) / 1e6, null);
    }

    /** y, dx, dw relative errors of one float32 run against float64. */
    private static double[] errors(NDManager m, CheckCase c, ConvLayout layout, Random random) {
        Shape xs = new Shape(c.batch(), c.in(), c.size(), c.size());
        Shape ws = new Shape(c.out(), c.in() / c.groups(), c.kernel(), c.kernel());
        int o = c.outputSize();
        Shape ys = new Shape(c.batch(), c.out(), o, o);
        float[] x = gaussian(random, xs.size());
        float[] w = gaussian(random, ws.size());
        float[] r = gaussian(random, ys.size());
        double[][] ref = convAndGrads(m, c, ConvLayout.NCHW, DataType.FLOAT64, x, w, r, xs, ws, ys);
        double[][] got = convAndGrads(m, c, layout, DataType.FLOAT32, x, w, r, xs, ws, ys);
        return new double[] {
            relativeError(got[0], ref[0]), relativeError(got[1], ref[1]),
            relativeError(got[2], ref[2])
        };
    }

    /** y, dL/dx, dL/dw for L = sum(y * r), in the given precision. */
    private static double[][] convAndGrads(NDManager m, CheckCase c, ConvLayout layout,
            DataType type, float[] xv, float[] wv, float[] rv, Shape xs, Shape ws, Shape ys) {
        NDArray x = create(m, xv, xs, type);
        NDArray w = create(m, wv, ws, type);
        NDArray r = create(m, rv, ys, type);
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        NDArray y = EngineConv.conv2d(layout, x, w, null, new Shape(c.stride(), c.stride()),
                new Shape(c.padding(), c.padding()), new Shape(c.dilation(), c.dilation()),
                c.groups());
        NDArray loss = y.mul(r).sum();
        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
        return new double[][] {
            doubles(y), doubles(x.getGradient()), doubles(w.getGradient())
        };
    }

    /** Identical inputs, identical bits: a stack of two convolutions run several times. */
    private static boolean identicalPasses(NDManager m, ConvLayout layout, Random random) {
        boolean prevGrad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager sub = m.newSubManager()) {
            Shape one = new Shape(1, 1);
            NDArray x = create(sub, gaussian(random, 2 * 24 * 16 * 16), new Shape(2, 24, 16, 16),
                    DataType.FLOAT32);
            NDArray w1 = create(sub, gaussian(random, 16 * 24 * 9), new Shape(16, 24, 3, 3),
                    DataType.FLOAT32);
            NDArray w2 = create(sub, gaussian(random, 8 * 16 * 9), new Shape(8, 16, 3, 3),
                    DataType.FLOAT32);
            float[] first = null;
            for (int i = 0; i < IDENTICAL_PASSES; i++) {
                NDArray h = EngineConv.conv2d(layout, x, w1, null, one, one, one, 1);
                float[] y = EngineConv.conv2d(layout, h, w2, null, one, one, one, 1)
                        .toFloatArray();
                if (first == null) {
                    first = y;
                } else if (!Arrays.equals(first, y)) {
                    return false;
                }
            }
            for (float v : first) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
            return true;
        } finally {
            JniUtils.setGradMode(prevGrad);
        }
    }

    static NDArray create(NDManager m, float[] v, Shape s, DataType type) {
        if (type == DataType.FLOAT64) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return m.create(d, s);
        }
        return m.create(v, s);
    }

    static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    static float[] gaussian(Random random, long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** max |got - ref| / max |ref|; NaN when anything is NaN. */
    static double relativeError(double[] got, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(got[i] - ref[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            num = Math.max(num, d);
            den = Math.max(den, Math.abs(ref[i]));
        }
        return den == 0 ? num : num / den;
    }

    /** The larger error, NaN winning. */
    static double worse(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }
}
