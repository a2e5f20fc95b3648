package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.FadConvReference;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** FadConv against the plain-Java double-precision reference on a grid of configurations. */
class FadConvReferenceTest extends EngineTest {

    /** One configuration of the grid. */
    record Case(int b, int c, int o, int h, int w, int k, int stride, int pad, int dil, int groups,
            int p, int low, int high, FadConvReference.Mode mode, int experts, boolean bias,
            float temperature) {

        @Override
        public String toString() {
            return "B" + b + " C" + c + "->" + o + " " + h + "x" + w + " k" + k + " s" + stride
                    + " d" + dil + " g" + groups + " p" + p + " n" + low + " h" + high + " " + mode
                    + " K" + experts + (bias ? " bias" : "") + " T" + temperature;
        }
    }

    static Stream<Case> grid() {
        FadConvReference.Mode net = FadConvReference.Mode.NETWORK;
        return Stream.of(
                // kernel 1/3/5, map larger than p, p 8
                new Case(2, 8, 6, 20, 20, 1, 1, 0, 1, 1, 8, 4, 0, net, 4, false, 1f),
                new Case(2, 8, 6, 20, 18, 3, 1, 1, 1, 1, 8, 2, 0, net, 4, false, 1f),
                new Case(3, 8, 4, 17, 19, 5, 1, 2, 1, 1, 8, 6, 2, net, 3, true, 1f),
                // stride 2, dilation 2, maps smaller than p (windows repeat)
                new Case(2, 8, 8, 11, 9, 3, 2, 1, 1, 1, 16, 4, 0, net, 4, false, 1f),
                new Case(2, 8, 8, 13, 13, 3, 1, 2, 2, 1, 16, 5, 2, net, 4, false, 1f),
                new Case(1, 8, 8, 7, 7, 3, 2, 2, 2, 1, 16, 3, 0, net, 2, true, 1f),
                // groups 4 and depthwise
                new Case(2, 8, 12, 16, 16, 3, 1, 1, 1, 4, 16, 4, 0, net, 4, false, 1f),
                new Case(3, 8, 8, 15, 10, 3, 2, 1, 1, 8, 8, 4, 2, net, 4, true, 1f),
                new Case(1, 6, 12, 9, 9, 5, 1, 2, 1, 6, 8, 2, 0, net, 4, false, 1f),
                // p 32: maps smaller than p, non-square, high frequencies
                new Case(2, 4, 4, 24, 40, 3, 1, 1, 1, 1, 32, 6, 2, net, 4, false, 1f),
                new Case(1, 4, 4, 33, 35, 3, 2, 1, 1, 1, 32, 4, 0, net, 6, false, 1f),
                // fusion modes and GAP attention, temperature
                new Case(2, 8, 8, 16, 16, 3, 1, 1, 1, 1, 16, 4, 0, FadConvReference.Mode.SUM, 4,
                        false, 1f),
                new Case(2, 8, 8, 16, 16, 3, 1, 1, 1, 1, 16, 4, 2, FadConvReference.Mode.ABS_SUM,
                        4, false, 1f),
                new Case(2, 16, 8, 20, 20, 3, 1, 1, 1, 1, 16, 4, 0, FadConvReference.Mode.FCA, 4,
                        false, 1f),
                new Case(2, 12, 8, 18, 18, 3, 1, 1, 1, 1, 8, 4, 0, FadConvReference.Mode.FCA, 4,
                        false, 1f),
                new Case(2, 8, 8, 16, 16, 3, 1, 1, 1, 1, 16, 4, 0, FadConvReference.Mode.GAP, 4,
                        false, 1f),
                new Case(3, 8, 8, 12, 12, 3, 1, 1, 1, 1, 16, 4, 0, net, 4, false, 4f),
                // taps that only meet padding (engine.LiveTaps): ASPP's dilation beyond the map
                // (cropped to 1x1, batch 2 and 1), along the width only, and the inner 3x3 of a
                // 5x5 whose padding stays
                new Case(2, 8, 8, 6, 6, 3, 1, 6, 6, 1, 8, 4, 0, net, 4, true, 1f),
                new Case(1, 8, 8, 6, 6, 3, 1, 6, 6, 1, 8, 4, 0, net, 4, false, 1f),
                new Case(2, 8, 8, 12, 5, 3, 1, 6, 6, 2, 8, 4, 0, net, 4, false, 1f),
                new Case(2, 8, 8, 5, 5, 5, 1, 6, 3, 1, 8, 4, 0, net, 4, false, 1f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void matchesDoublePrecisionReference(Case t) {
        try (NDManager m = manager.newSubManager()) {
            FadConv conv = build(t);
            Blocks.init(conv, m, new Shape(t.b, t.c, t.h, t.w));
            Random rnd = new Random(t.hashCode());
            Blocks.randomize(conv, rnd, 0.5f);
            NDArray x = m.create(Tensors.uniform(rnd, t.b * t.c * t.h * t.w),
                    new Shape(t.b, t.c, t.h, t.w));
            NDArray y = Blocks.forward(conv, x, false);

            FadConvReference.Config cfg = config(t);
            FadConvReference.Weights w = weights(conv, t);
            double[][][][] ref = FadConvReference.forward(
                    Tensors.to4(Tensors.values(x), t.b, t.c, t.h, t.w), w, cfg);

            assertThat(y.getShape().getShape())
                    .containsExactly(t.b, t.o, ref[0][0].length, ref[0][0][0].length);
            assertThat(RefMath.relativeError(Tensors.flat(ref), y.toFloatArray()))
                    .isLessThan(1e-4);
        }
    }

    static FadConv build(Case t) {
        FrequencyFusion fusion = switch (t.mode) {
            case SUM -> FrequencyFusion.SUM;
            case ABS_SUM -> FrequencyFusion.ABS_SUM;
            case FCA -> FrequencyFusion.FCA;
            default -> FrequencyFusion.NETWORK;
        };
        return FadConv.builder()
                .setFilters(t.o)
                .setKernelShape(new Shape(t.k, t.k))
                .optStride(new Shape(t.stride, t.stride))
                .optPadding(new Shape(t.pad, t.pad))
                .optDilation(new Shape(t.dil, t.dil))
                .optGroups(t.groups)
                .optBias(t.bias)
                .optExperts(t.experts)
                .optPoolSize(t.p)
                .optLowFrequencies(t.low)
                .optHighFrequencies(t.high)
                .optFusion(fusion)
                .optAttention(t.mode == FadConvReference.Mode.GAP ? AttentionMode.GAP
                        : AttentionMode.FAT)
                .optTemperature(t.temperature)
                .build();
    }

    static FadConvReference.Config config(Case t) {
        FadConvReference.Config cfg = new FadConvReference.Config();
        cfg.poolSize = t.p;
        cfg.low = t.low;
        cfg.high = t.high;
        cfg.mode = t.mode;
        cfg.temperature = t.temperature;
        cfg.stride = new int[] {t.stride, t.stride};
        cfg.padding = new int[] {t.pad, t.pad};
        cfg.dilation = new int[] {t.dil, t.dil};
        cfg.groups = t.groups;
        return cfg;
    }

    static FadConvReference.Weights weights(FadConv conv, Case t) {
        Map<String, double[]> p = Blocks.params(conv);
        FadConvReference.Weights w = new FadConvReference.Weights();
        w.experts = Tensors.to5(p.get("experts"), t.experts, t.o, t.c / t.groups, t.k, t.k);
        w.bias = t.bias ? Tensors.to2(p.get("bias"), t.experts, t.o) : null;
        int f = t.low * t.low + t.high * t.high;
        if (p.containsKey("fusion.0.weight")) {
            w.fusion0W = Tensors.to2(p.get("fusion.0.weight"), 32, f);
            w.fusion0B = p.get("fusion.0.bias");
            w.fusion2W = Tensors.to2(p.get("fusion.2.weight"), 1, 32);
            w.fusion2B = p.get("fusion.2.bias");
        }
        int hid = (int) FadConv.routingHidden(t.c);
        w.routing0W = Tensors.to2(p.get("routing.0.weight"), hid, t.c);
        w.routing0B = p.get("routing.0.bias");
        w.routing2W = Tensors.to2(p.get("routing.2.weight"), t.experts, hid);
        w.routing2B = p.get("routing.2.bias");
        return w;
    }
}
