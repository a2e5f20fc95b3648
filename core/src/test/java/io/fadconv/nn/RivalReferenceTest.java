package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.FadConvReference;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DyConv, OdConv, KernelWarehouse and the FAT versions against the plain-Java double-precision
 * references of their published forward passes (relative error < 1e-4), and their gradients
 * (DJL autograd) against finite differences of those references.
 */
class RivalReferenceTest extends EngineTest {

    enum Kind { DY, OD, KW }

    /** One configuration; {@code size} is K for DY/OD and the budget for KW. */
    record Case(Kind kind, boolean fat, int b, int c, int o, int h, int w, int k, int stride,
            int pad, int dil, int groups, double size, float t, boolean bias, boolean training) {

        @Override
        public String toString() {
            return (fat ? "F" : "") + kind + " B" + b + " " + c + "->" + o + " " + h + "x" + w
                    + " k" + k + " s" + stride + " p" + pad + " d" + dil + " g" + groups
                    + (kind == Kind.KW ? " b" : " K") + size + " t" + t + (bias ? " bias" : "")
                    + (training ? " train" : "");
        }
    }

    static Stream<Case> grid() {
        return Stream.of(
                new Case(Kind.DY, false, 2, 8, 6, 9, 9, 3, 1, 1, 1, 1, 4, 34f, true, false),
                new Case(Kind.DY, false, 3, 8, 8, 10, 11, 3, 2, 1, 2, 2, 3, 1f, false, false),
                new Case(Kind.DY, false, 1, 3, 8, 8, 8, 5, 1, 2, 1, 1, 4, 4f, false, true),
                new Case(Kind.DY, false, 2, 8, 8, 9, 9, 3, 1, 1, 1, 8, 4, 2f, true, false),
                new Case(Kind.OD, false, 3, 8, 12, 9, 9, 3, 1, 1, 1, 1, 4, 30f, false, false),
                new Case(Kind.OD, false, 3, 8, 12, 9, 9, 3, 1, 1, 1, 1, 4, 5f, false, true),
                new Case(Kind.OD, false, 2, 8, 8, 10, 10, 3, 2, 1, 1, 8, 4, 1f, false, true),
                new Case(Kind.OD, false, 2, 8, 16, 7, 6, 1, 1, 0, 1, 1, 1, 5f, false, false),
                new Case(Kind.OD, false, 2, 8, 16, 7, 6, 1, 2, 0, 1, 1, 4, 2f, false, false),
                new Case(Kind.OD, false, 2, 8, 12, 9, 9, 3, 1, 2, 2, 2, 1, 3f, false, false),
                new Case(Kind.OD, false, 1, 16, 8, 12, 12, 5, 1, 2, 1, 1, 2, 1f, false, true),
                new Case(Kind.OD, true, 2, 8, 12, 12, 12, 3, 1, 1, 1, 1, 4, 30f, false, true),
                new Case(Kind.OD, true, 2, 8, 8, 9, 10, 3, 2, 1, 1, 8, 4, 1f, false, false),
                new Case(Kind.KW, false, 2, 8, 8, 8, 8, 3, 1, 1, 1, 1, 4, 0.3f, false, false),
                new Case(Kind.KW, false, 2, 8, 16, 9, 9, 3, 2, 1, 1, 1, 1, 0f, true, true),
                new Case(Kind.KW, false, 2, 8, 12, 8, 8, 3, 1, 2, 2, 2, 2, 1f, false, false),
                new Case(Kind.KW, false, 2, 8, 8, 8, 8, 3, 1, 1, 1, 8, 4, 0.5f, false, true),
                new Case(Kind.KW, false, 1, 8, 8, 8, 8, 3, 1, 1, 1, 1, 0.5, 0.2f, false, true),
                new Case(Kind.KW, false, 2, 4, 8, 7, 7, 1, 1, 0, 1, 1, 0.25, 0.7f, true, false),
                new Case(Kind.KW, true, 2, 8, 8, 12, 12, 3, 1, 1, 1, 1, 4, 0.3f, false, true),
                new Case(Kind.KW, true, 1, 8, 16, 9, 9, 3, 2, 1, 1, 1, 1, 0f, false, false),
                // taps that only meet padding (engine.LiveTaps): ASPP's dilation beyond the map
                // (cropped to 1x1), along the height only, to the inner taps of a 5x5, and a
                // crop that would be asymmetric (stride 2, not cropped)
                new Case(Kind.DY, false, 2, 8, 6, 6, 6, 3, 1, 6, 6, 1, 4, 1f, true, true),
                new Case(Kind.DY, false, 1, 8, 6, 6, 6, 3, 1, 6, 6, 1, 4, 1f, false, false),
                new Case(Kind.OD, false, 2, 8, 8, 5, 12, 3, 1, 6, 6, 1, 4, 1f, false, true),
                new Case(Kind.KW, false, 2, 8, 8, 5, 5, 5, 1, 6, 3, 1, 1, 0.5f, false, false),
                new Case(Kind.OD, false, 2, 8, 8, 6, 6, 3, 2, 5, 5, 1, 4, 1f, false, false));
    }

    /** FAT settings of the F versions in this grid: p 8, 3x3 low, 1x1 high, network fusion. */
    static FadConvReference.Config fatConfig() {
        FadConvReference.Config cfg = new FadConvReference.Config();
        cfg.poolSize = 8;
        cfg.low = 3;
        cfg.high = 1;
        cfg.mode = FadConvReference.Mode.NETWORK;
        return cfg;
    }

    static FrequencyAttention.Builder fat() {
        return FrequencyAttention.builder().optMode(AttentionMode.FAT).optPoolSize(8)
                .optLowFrequencies(3).optHighFrequencies(1);
    }

    static Block build(Case t) {
        Shape kernel = new Shape(t.k, t.k);
        Shape stride = new Shape(t.stride, t.stride);
        Shape pad = new Shape(t.pad, t.pad);
        Shape dil = new Shape(t.dil, t.dil);
        return switch (t.kind) {
            case DY -> DyConv.builder().setFilters(t.o).setKernelShape(kernel).optStride(stride)
                    .optPadding(pad).optDilation(dil).optGroups(t.groups).optBias(t.bias)
                    .optExperts((int) t.size).optTemperature(t.t).build();
            case OD -> OdConv.builder().setFilters(t.o).setKernelShape(kernel).optStride(stride)
                    .optPadding(pad).optDilation(dil).optGroups(t.groups)
                    .optExperts((int) t.size).optTemperature(t.t)
                    .optDescriptor(t.fat ? fat()
                            : FrequencyAttention.builder().optMode(AttentionMode.GAP))
                    .build();
            case KW -> {
                KernelWarehouse.Builder b = KernelWarehouse.builder().setInChannels(t.c)
                        .setFilters(t.o).setKernelShape(kernel).optStride(stride).optPadding(pad)
                        .optDilation(dil).optGroups(t.groups).optBias(t.bias).optBudget(t.size)
                        .optTemperature(t.t);
                yield t.fat ? b.optDescriptor(fat()).build() : b.build();
            }
        };
    }

    /** A randomised, initialised block of the case and its reference. */
    record Setup(Block block, Map<String, double[]> params, NDArray x, double[][][][] xd) {}

    static Setup setup(Case t, NDManager m) {
        Block block = Blocks.init(build(t), m, new Shape(t.b, t.c, t.h, t.w));
        Random rnd = new Random(t.toString().hashCode());
        RivalTesting.randomize(block, rnd);
        NDArray x = m.create(Tensors.uniform(rnd, t.b * t.c * t.h * t.w),
                new Shape(t.b, t.c, t.h, t.w));
        return new Setup(block, Blocks.params(block), x,
                Tensors.to4(Tensors.values(x), t.b, t.c, t.h, t.w));
    }

    static RivalReference.Geometry geometry(Case t) {
        RivalReference.Geometry g = new RivalReference.Geometry();
        g.stride = new int[] {t.stride, t.stride};
        g.padding = new int[] {t.pad, t.pad};
        g.dilation = new int[] {t.dil, t.dil};
        g.groups = t.groups;
        g.temperature = t.t;
        g.fat = t.fat ? fatConfig() : null;
        g.batchStatistics = t.training && t.b > 1;
        return g;
    }

    static RivalReference.KwLayout layout(KernelWarehouse kw) {
        Warehouse w = kw.getWarehouse();
        Warehouse.Slot s = kw.getSlot();
        float[] a = s.assignment();
        double[] ad = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ad[i] = a[i];
        }
        return new RivalReference.KwLayout(w.cellCount(), (int) w.cellOut(), (int) w.cellIn(),
                (int) s.groupsOut(), (int) s.groupsIn(), (int) kw.getKernelShape().get(0),
                (int) kw.getKernelShape().get(1), ad);
    }

    /** The reference forward pass of a case with given weights and input. */
    static double[][][][] reference(Case t, Block block, Map<String, double[]> p,
            double[][][][] x) {
        RivalReference.Geometry g = geometry(t);
        int[] ws = {(int) t.size, t.o, t.c / t.groups, t.k, t.k};
        return switch (t.kind) {
            case DY -> RivalReference.dyConv(x, p, ws, g);
            case OD -> RivalReference.odConv(x, p, ws, g);
            case KW -> RivalReference.kw(x, p, "warehouse_manager.weights.0",
                    layout((KernelWarehouse) block), t.o, g);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void matchesDoublePrecisionReference(Case t) {
        try (NDManager m = manager.newSubManager()) {
            Setup s = setup(t, m);
            NDArray y = Blocks.forward(s.block(), s.x(), t.training);
            double[][][][] ref = reference(t, s.block(), s.params(), s.xd());
            assertThat(y.getShape().getShape())
                    .containsExactly(t.b, t.o, ref[0][0].length, ref[0][0][0].length);
            assertThat(RefMath.relativeError(Tensors.flat(ref), y.toFloatArray()))
                    .isLessThan(1e-4);
        }
    }

    /** The keys whose gradients are checked, per kind. */
    static List<String> gradientKeys(Case t, Map<String, double[]> p) {
        List<String> keys = new java.util.ArrayList<>(switch (t.kind) {
            case DY -> List.of("weight", "attention.fc1.weight", "attention.fc2.bias");
            case OD -> List.of("weight", "attention.fc.weight", "attention.bn.weight",
                    "attention.channel_fc.bias", "attention.spatial_fc.weight",
                    "attention.kernel_fc.weight", "attention.filter_fc.weight");
            case KW -> List.of("warehouse_manager.weights.0", "attention.fc1.weight",
                    "attention.norm1.bias", "attention.fc2.weight", "bias");
        });
        if (t.fat) {
            keys.add("attention.fusion.0.weight");
        }
        keys.removeIf(k -> !p.containsKey(k));
        return keys;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void gradientsMatchFiniteDifferencesOfTheReference(Case t) {
        try (NDManager m = manager.newSubManager()) {
            Setup s = setup(t, m);
            Random rnd = new Random(7);
            NDArray x = s.x();
            x.setRequiresGradient(true);
            NDArray r;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = s.block().forward(new ParameterStore(m, false), new NDList(x),
                        t.training).singletonOrThrow();
                r = m.create(Tensors.uniform(rnd, (int) y.size()), y.getShape());
                gc.backward(y.mul(r).sum());
            }
            double[] rd = Tensors.values(r);
            Map<String, TorchStateDict.Entry> entries = TorchWeights.stateDict(s.block())
                    .entries();
            // d/dx
            checkCoordinates("x", Tensors.values(x.getGradient()), rnd, i -> {
                double[] xf = Tensors.flat(s.xd());
                return (eps) -> {
                    double[] xp = xf.clone();
                    xp[i] += eps;
                    return loss(t, s, s.params(), Tensors.to4(xp, t.b, t.c, t.h, t.w), rd);
                };
            });
            for (String key : gradientKeys(t, s.params())) {
                var p = ((TorchStateDict.ParamEntry) entries.get(key)).parameter();
                checkCoordinates(key, Tensors.values(p.getArray().getGradient()), rnd,
                        i -> (eps) -> {
                            Map<String, double[]> q = new HashMap<>(s.params());
                            double[] v = q.get(key).clone();
                            v[i] += eps;
                            q.put(key, v);
                            return loss(t, s, q, s.xd(), rd);
                        });
            }
        }
    }

    static double loss(Case t, Setup s, Map<String, double[]> p, double[][][][] x, double[] r) {
        double[] y = Tensors.flat(reference(t, s.block(), p, x));
        double l = 0;
        for (int i = 0; i < y.length; i++) {
            l += y[i] * r[i];
        }
        return l;
    }

    interface Perturbed {
        double at(double eps);
    }

    /** Central differences at a few coordinates, against the autograd gradient. */
    static void checkCoordinates(String what, double[] grad, Random rnd,
            java.util.function.IntFunction<Perturbed> f) {
        double scale = 1e-6;
        for (double g : grad) {
            scale = Math.max(scale, Math.abs(g));
        }
        for (int n = 0; n < 4; n++) {
            int i = rnd.nextInt(grad.length);
            Perturbed p = f.apply(i);
            double eps = 1e-4;
            double fd = (p.at(eps) - p.at(-eps)) / (2 * eps);
            assertThat(Math.abs(fd - grad[i]) / scale)
                    .as("%s[%d]: finite difference %s, autograd %s", what, i, fd, grad[i])
                    .isLessThan(1e-3);
        }
    }
}
