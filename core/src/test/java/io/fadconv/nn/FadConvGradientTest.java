package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.FadConvReference;
import io.fadconv.testing.Tensors;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gradients of FadConv (DJL autograd, float32) against central finite differences of the
 * double-precision reference, for the input, the experts, the fusion and the routing weights.
 */
class FadConvGradientTest extends EngineTest {

    private static final double EPS = 1e-6;
    @ParameterizedTest
    @EnumSource(value = FadConvReference.Mode.class, names = {"NETWORK", "ABS_SUM", "GAP"})
    void gradientsMatchFiniteDifferences(FadConvReference.Mode mode) {
        checkGradients(new FadConvReferenceTest.Case(2, 4, 4, 10, 9, 3, 2, 1, 1, 2, 8, 3, 1, mode,
                3, true, 1f), mode);
    }

    /**
     * Dilation beyond the map (ASPP's on a small map): the taps that only meet padding are not
     * computed (engine.LiveTaps), and the experts' gradient is zero there, as the reference's.
     */
    @org.junit.jupiter.api.Test
    void gradientsMatchWhereTapsOnlyMeetPadding() {
        FadConvReference.Mode net = FadConvReference.Mode.NETWORK;
        checkGradients(new FadConvReferenceTest.Case(2, 4, 4, 6, 6, 3, 1, 6, 6, 1, 8, 3, 1, net,
                3, true, 1f), net);
    }

    private void checkGradients(FadConvReferenceTest.Case t, FadConvReference.Mode mode) {
        try (NDManager m = manager.newSubManager()) {
            FadConv conv = FadConvReferenceTest.build(t);
            Blocks.init(conv, m, new Shape(t.b(), t.c(), t.h(), t.w()));
            Random rnd = new Random(7);
            Blocks.randomize(conv, rnd, 0.6f);
            float[] xv = Tensors.uniform(rnd, t.b() * t.c() * t.h() * t.w());
            NDArray x = m.create(xv, new Shape(t.b(), t.c(), t.h(), t.w()));
            x.setRequiresGradient(true);
            Shape outShape = conv.getOutputShapes(new Shape[] {x.getShape()})[0];
            float[] rv = Tensors.uniform(rnd, (int) outShape.size());
            NDArray r = m.create(rv, outShape);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), true)
                        .singletonOrThrow();
                gc.backward(y.mul(r).sum());
            }
            FadConvReference.Config cfg = FadConvReferenceTest.config(t);
            FadConvReference.Weights w = FadConvReferenceTest.weights(conv, t);
            double[][][][] xr = Tensors.to4(Tensors.values(x), t.b(), t.c(), t.h(), t.w());
            double[] rr = Tensors.values(r);

            check("input", Tensors.values(x.getGradient()), xr, cfg, w, rr, rnd, xr);
            Map<String, NDArray> grads = new java.util.LinkedHashMap<>();
            TorchWeights.stateDict(conv).entries().forEach((k, e) -> {
                if (e instanceof TorchStateDict.ParamEntry p) {
                    grads.put(k, p.parameter().getArray().getGradient());
                }
            });
            checkParam("experts", grads, w.experts, cfg, w, rr, rnd, xr);
            checkParam("bias", grads, w.bias, cfg, w, rr, rnd, xr);
            checkParam("routing.0.weight", grads, w.routing0W, cfg, w, rr, rnd, xr);
            checkParam("routing.2.bias", grads, w.routing2B, cfg, w, rr, rnd, xr);
            if (mode == FadConvReference.Mode.NETWORK) {
                checkParam("fusion.0.weight", grads, w.fusion0W, cfg, w, rr, rnd, xr);
                checkParam("fusion.2.weight", grads, w.fusion2W, cfg, w, rr, rnd, xr);
            }
        }
    }

    private static void checkParam(String key, Map<String, NDArray> grads, Object target,
            FadConvReference.Config cfg, FadConvReference.Weights w, double[] r, Random rnd,
            double[][][][] x) {
        assertThat(grads).containsKey(key);
        check(key, Tensors.values(grads.get(key)), target, cfg, w, r, rnd, x);
    }

    /**
     * Perturbs a sample of entries of {@code target} (an array inside the weights or the input)
     * and compares the central difference of sum(y * r) with the analytic gradient.
     */
    private static void check(String what, double[] analytic, Object target,
            FadConvReference.Config cfg, FadConvReference.Weights w,
            double[] r, Random rnd, double[][][][] x) {
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        collectRows(target, rows);
        int total = rows.stream().mapToInt(a -> a.length).sum();
        assertThat(analytic.length).as(what + " gradient size").isEqualTo(total);
        double maxErr = 0;
        double maxGrad = 1e-3;
        for (int trial = 0; trial < 12; trial++) {
            int idx = rnd.nextInt(total);
            int row = 0;
            int off = idx;
            while (off >= rows.get(row).length) {
                off -= rows.get(row).length;
                row++;
            }
            double[] a = rows.get(row);
            double saved = a[off];
            a[off] = saved + EPS;
            double plus = loss(x, w, cfg, r);
            a[off] = saved - EPS;
            double minus = loss(x, w, cfg, r);
            a[off] = saved;
            double numeric = (plus - minus) / (2 * EPS);
            maxErr = Math.max(maxErr, Math.abs(numeric - analytic[idx]));
            maxGrad = Math.max(maxGrad, Math.abs(numeric));
        }
        assertThat(maxErr / maxGrad).as(what + " gradient relative error").isLessThan(2e-3);
    }

    private static double loss(double[][][][] x, FadConvReference.Weights w,
            FadConvReference.Config cfg, double[] r) {
        double[] y = Tensors.flat(FadConvReference.forward(x, w, cfg));
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * r[i];
        }
        return s;
    }

    /** The innermost double[] rows of a nested array, in row-major order (views, not copies). */
    private static void collectRows(Object a, java.util.List<double[]> out) {
        if (a instanceof double[] d) {
            out.add(d);
        } else {
            for (Object o : (Object[]) a) {
                collectRows(o, out);
            }
        }
    }
}
