package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;
import io.fadconv.Djl;
import io.fadconv.nn.TensorFiles;
import io.fadconv.nn.TorchTensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adam against torch.optim.Adam (fixture adam_torch.npz, see resources/train/README.md) and
 * against its formula in double precision; state save/restore.
 */
class AdamTest {

    @BeforeAll
    static void engine() {
        Djl.engine();
    }

    /** A parameter whose gradient after {@link #backward} is {@code r}: loss = sum(r * p). */
    private static Parameter parameter(NDManager m, float[] values) {
        return parameter(m, values, new Shape(values.length));
    }

    private static Parameter parameter(NDManager m, float[] values, Shape shape) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
                .optShape(shape).build();
        p.setInitializer(new ConstantInitializer(0));
        p.initialize(m, DataType.FLOAT32);
        p.getArray().set(values);
        return p;
    }

    private static void backward(NDManager m, Parameter p, float[] r) {
        try (NDManager sub = m.newSubManager();
                GradientCollector gc = Djl.engine().newGradientCollector()) {
            NDArray loss = sub.create(r, p.getArray().getShape()).mul(p.getArray()).sum();
            gc.backward(loss);
        }
    }

    @Test
    void matchesTorchOptimAdam() throws Exception {
        Map<String, TorchTensor> f = TensorFiles.read(Path.of(getClass()
                .getResource("/train/adam_torch.npz").toURI()));
        float[] p0 = f.get("p0").floats();
        float[] grads = f.get("grads").floats();
        int n = p0.length;
        int steps = grads.length / n;
        for (String name : List.of("l2", "nowd")) {
            double lr = doubles(f.get(name + ".lr"))[0];
            double wd = doubles(f.get(name + ".wd"))[0];
            float[] expected = f.get(name + ".p").floats();
            try (NDManager m = NDManager.newBaseManager()) {
                Parameter p = parameter(m, p0);
                try (Adam adam = new Adam(Adam.Settings.torchDefaults(lr, wd),
                        List.of(new TrainableParameters.Named("w", p)), m)) {
                    for (int t = 0; t < steps; t++) {
                        float[] g = java.util.Arrays.copyOfRange(grads, t * n, (t + 1) * n);
                        backward(m, p, g);
                        adam.step();
                        float[] got = p.getArray().toFloatArray();
                        for (int i = 0; i < n; i++) {
                            float want = expected[t * n + i];
                            assertThat(got[i]).as("%s step %d coord %d", name, t + 1, i)
                                    .isCloseTo(want, within(2e-7f + 1e-6f * Math.abs(want)));
                        }
                    }
                    assertThat(adam.steps()).isEqualTo((long) doubles(f.get(name + ".step"))[0]);
                }
            }
        }
    }

    @Test
    void matchesTheFormulaInDoublePrecision() {
        float[] p0 = {0.5f, -1.25f, 2f, 0f, -0.125f};
        float[][] grads = {{0.1f, -0.2f, 0.3f, 0f, 5f}, {-0.3f, 0.1f, 0.05f, 0f, -5f},
            {0.2f, 0.2f, -0.4f, 0f, 0.01f}};
        assertMatchesTheFormula(p0, new Shape(p0.length), grads, 1e-2, 0.05);
    }

    @Test
    void aParameterUpdatedPieceByPieceMatchesTheFormulaInDoublePrecision() {
        int rows = 3;
        int cols = 1_000_000;
        // more than one piece, and pieces of whole rows that do not divide the rows evenly
        assertThat((long) rows * cols).isGreaterThan(Adam.PIECE);
        assertThat(Adam.PIECE / cols).isBetween(1L, (long) rows - 1);
        int n = rows * cols;
        float[] p0 = new float[n];
        float[][] grads = new float[2][n];
        for (int i = 0; i < n; i++) {
            p0[i] = (float) Math.sin(i * 0.001);
            // kept away from zero, where Adam's step -lr * g / (|g| + eps) turns on g's rounding
            grads[0][i] = (float) (0.05 + 0.1 * (1 + Math.cos(i * 0.0007)));
            grads[1][i] = (float) -(0.03 + 0.1 * (1 + Math.sin(i * 0.0003 + 1)));
        }
        assertMatchesTheFormula(p0, new Shape(rows, cols), grads, 1e-2, 0.01);
    }

    /**
     * Steps Adam with the given gradients and checks every element after every step against
     * the formula in double precision (torch's betas 0.9, 0.999 and eps 1e-8).
     */
    private static void assertMatchesTheFormula(float[] p0, Shape shape, float[][] grads,
            double lr, double wd) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        int n = p0.length;
        double[] p = new double[n];
        double[] mm = new double[n];
        double[] vv = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = p0[i];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter param = parameter(m, p0, shape);
            try (Adam adam = new Adam(Adam.Settings.torchDefaults(lr, wd),
                    List.of(new TrainableParameters.Named("w", param)), m)) {
                for (int t = 1; t <= grads.length; t++) {
                    for (int i = 0; i < n; i++) {
                        double g = grads[t - 1][i] + wd * p[i];
                        mm[i] = b1 * mm[i] + (1 - b1) * g;
                        vv[i] = b2 * vv[i] + (1 - b2) * g * g;
                        double mHat = mm[i] / (1 - Math.pow(b1, t));
                        double vHat = vv[i] / (1 - Math.pow(b2, t));
                        p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                    }
                    backward(m, param, grads[t - 1]);
                    adam.step();
                    float[] got = param.getArray().toFloatArray();
                    for (int i = 0; i < n; i++) {
                        // a loop, not one assertion per element: millions of them
                        if (Math.abs(got[i] - p[i]) > 1e-6 + 1e-6 * Math.abs(p[i])) {
                            throw new AssertionError(String.format("step %d element %d of %s:"
                                    + " %s, expected %s", t, i, shape, got[i], p[i]));
                        }
                    }
                }
            }
        }
    }

    /**
     * Parameters of several shapes (a scalar among them) packed into one run of the formula end
     * exactly where each would in an optimiser of its own (a pack of one, which the formula tests
     * above check against double precision), and their packed moments survive a save and load.
     */
    @Test
    void packedParametersStepAsEachAloneAndRoundTrip() throws Exception {
        Shape[] shapes = {new Shape(5), new Shape(2, 3), new Shape(), new Shape(4, 1, 2, 2)};
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter[] together = new Parameter[shapes.length];
            Parameter[] apart = new Parameter[shapes.length];
            Parameter[] resumed = new Parameter[shapes.length];
            float[][][] grads = new float[shapes.length][4][];
            List<TrainableParameters.Named> named = new java.util.ArrayList<>();
            List<TrainableParameters.Named> namedResumed = new java.util.ArrayList<>();
            for (int i = 0; i < shapes.length; i++) {
                int n = (int) shapes[i].size();
                float[] p0 = new float[n];
                for (int k = 0; k < n; k++) {
                    p0[k] = (float) Math.sin(1 + 7 * i + k);
                    for (int t = 0; t < 4; t++) {
                        if (grads[i][t] == null) {
                            grads[i][t] = new float[n];
                        }
                        grads[i][t][k] = (float) Math.cos(3 + 5 * i + 11 * t + k);
                    }
                }
                together[i] = parameter(m, p0, shapes[i]);
                apart[i] = parameter(m, p0, shapes[i]);
                resumed[i] = parameter(m, p0, shapes[i]);
                named.add(new TrainableParameters.Named("w" + i, together[i]));
                namedResumed.add(new TrainableParameters.Named("w" + i, resumed[i]));
            }
            Adam.Settings settings = Adam.Settings.torchDefaults(1e-2, 1e-3);
            List<Adam> alone = new java.util.ArrayList<>();
            for (int i = 0; i < shapes.length; i++) {
                alone.add(new Adam(settings, List.of(new TrainableParameters.Named("w" + i,
                        apart[i])), m));
            }
            try (Adam packed = new Adam(settings, named, m);
                    Adam restored = new Adam(settings, namedResumed, m)) {
                for (int t = 0; t < 4; t++) {
                    if (t == 2) {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        packed.save(new DataOutputStream(bytes));
                        restored.load(new DataInputStream(new ByteArrayInputStream(
                                bytes.toByteArray())));
                        for (int i = 0; i < shapes.length; i++) {
                            resumed[i].getArray().set(together[i].getArray().toFloatArray());
                        }
                    }
                    for (int i = 0; i < shapes.length; i++) {
                        backward(m, together[i], grads[i][t]);
                        backward(m, apart[i], grads[i][t]);
                        alone.get(i).step();
                        if (t >= 2) {
                            backward(m, resumed[i], grads[i][t]);
                        }
                    }
                    packed.step();
                    if (t >= 2) {
                        restored.step();
                    }
                    for (int i = 0; i < shapes.length; i++) {
                        float[] got = together[i].getArray().toFloatArray();
                        assertThat(got).as("parameter %d %s after step %d, packed against "
                                + "alone", i, shapes[i], t + 1)
                                .isEqualTo(apart[i].getArray().toFloatArray());
                        if (t >= 2) {
                            assertThat(resumed[i].getArray().toFloatArray()).as("parameter %d "
                                    + "after step %d, resumed from step 2", i, t + 1)
                                    .isEqualTo(got);
                        }
                    }
                }
            } finally {
                alone.forEach(Adam::close);
            }
        }
    }

    @Test
    void gradientsAreZeroedAfterAStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m, new float[] {1, 2, 3});
            try (Adam adam = new Adam(Adam.Settings.torchDefaults(0.1, 0),
                    List.of(new TrainableParameters.Named("w", p)), m)) {
                backward(m, p, new float[] {1, 1, 1});
                adam.step();
                assertThat(p.getArray().getGradient().toFloatArray()).containsOnly(0f);
            }
        }
    }

    @Test
    void stateRoundTripContinuesIdentically() throws Exception {
        float[] p0 = {0.3f, -0.7f, 1.1f};
        float[][] g = {{1, -2, 0.5f}, {0.25f, 0.5f, -1}, {-3, 1, 2}, {0.1f, 0.1f, 0.1f}};
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter a = parameter(m, p0);
            Parameter b = parameter(m, p0);
            try (Adam adamA = new Adam(Adam.Settings.torchDefaults(1e-2, 1e-3),
                    List.of(new TrainableParameters.Named("w", a)), m);
                    Adam adamB = new Adam(Adam.Settings.torchDefaults(1e-2, 1e-3),
                            List.of(new TrainableParameters.Named("w", b)), m)) {
                for (int t = 0; t < 2; t++) {
                    backward(m, a, g[t]);
                    adamA.step();
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                adamA.save(new DataOutputStream(bytes));
                b.getArray().set(a.getArray().toFloatArray());
                adamB.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                assertThat(adamB.steps()).isEqualTo(2);
                for (int t = 2; t < 4; t++) {
                    backward(m, a, g[t]);
                    adamA.step();
                    backward(m, b, g[t]);
                    adamB.step();
                }
                assertThat(b.getArray().toFloatArray()).isEqualTo(a.getArray().toFloatArray());
            }
        }
    }

    private static double[] doubles(TorchTensor t) {
        double[] d = new double[t.data().length / 8];
        ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
        return d;
    }
}
