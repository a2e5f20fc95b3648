package io.fadconv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.Djl;
import io.fadconv.engine.EngineConv;
import io.fadconv.util.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Self times from the engine's profiler trace: hand-computed, and on a real convolution. */
class OpProfileTest {

    @Test
    void anOpsSelfTimeIsItsDurationLessItsCalleesOnItsThread() throws Exception {
        // thread 1: outer [0, 100] calls mid [10, 40] (which calls leaf [20, 25]) and leaf
        // [50, 70]; next [100, 110] starts where outer ends and is not its callee. Thread 2: outer
        // [0, 40] alone. Listed out of order, as the profiler writes them; one event is not a
        // complete one and is ignored. Two passes.
        JsonNode trace = Json.MAPPER.readTree("""
                [{"name": "leaf", "ph": "X", "ts": 20, "dur": 5, "tid": 1},
                 {"name": "mid", "ph": "X", "ts": 10, "dur": 30, "tid": 1},
                 {"name": "outer", "ph": "X", "ts": 0, "dur": 100, "tid": 1},
                 {"name": "leaf", "ph": "X", "ts": 50, "dur": 20, "tid": 1},
                 {"name": "next", "ph": "X", "ts": 100, "dur": 10, "tid": 1},
                 {"name": "outer", "ph": "X", "ts": 0, "dur": 40, "tid": 2},
                 {"name": "marker", "ph": "i", "ts": 5, "tid": 1}]
                """);
        Map<String, OpProfile.Op> ops = byName(OpProfile.selfTimes(trace, 2));
        assertThat(ops).containsOnlyKeys("outer", "mid", "leaf", "next");
        // outer: 100 - 30 - 20 on thread 1, 40 on thread 2 = 90 us over two passes
        assertThat(ops.get("outer").selfMs()).isCloseTo(0.045, within(1e-12));
        assertThat(ops.get("outer").calls()).isEqualTo(1.0);
        assertThat(ops.get("mid").selfMs()).isCloseTo(0.0125, within(1e-12));
        assertThat(ops.get("leaf").selfMs()).isCloseTo(0.0125, within(1e-12));
        assertThat(ops.get("leaf").calls()).isEqualTo(1.0);
        assertThat(ops.get("next").selfMs()).isCloseTo(0.005, within(1e-12));
        assertThat(OpProfile.selfTimes(trace, 2)).extracting(OpProfile.Op::name)
                .as("the longest self time first").startsWith("outer");
    }

    @Test
    void theTableShowsTheTopOpsSideBySideAndSumsTheRest() {
        List<OpProfile.Op> base = List.of(new OpProfile.Op("conv", 2, 10),
                new OpProfile.Op("bn", 2, 3), new OpProfile.Op("relu", 2, 1));
        List<OpProfile.Op> other = List.of(new OpProfile.Op("conv", 2, 12),
                new OpProfile.Op("mm", 4, 5), new OpProfile.Op("bn", 2, 3),
                new OpProfile.Op("view", 8, 0.5));
        String table = OpProfile.table(List.of("static", "fadconv"),
                List.of(new OpProfile.Profile(base, 220, 215),
                        new OpProfile.Profile(other, 710.4, 700)), 3);
        assertThat(table.lines().toList()).containsExactly(
                "| op | static ms (calls) | fadconv ms (calls) | vs static |",
                "|---|---:|---:|---:|",
                "| conv | 10.0 (2) | 12.0 (2) | +2.0 |",
                "| mm | - | 5.0 (4) | +5.0 |",
                "| bn | 3.0 (2) | 3.0 (2) | +0.0 |",
                "| other ops | 1.0 | 0.5 | -0.5 |",
                "| all ops | 14.0 | 20.5 | +6.5 |",
                "| minor page faults per pass, profiled (unprofiled) | 220 (215) | 710 (700) | |");
    }

    @Test
    void aProfileThatFaultedFarMoreThanWithoutTheProfilerIsFlagged() {
        List<OpProfile.Op> ops = List.of(new OpProfile.Op("bmm", 1, 150));
        // the counts measured on an AMD EPYC for resnet18-unet FADConv: 22,771 against ~710
        OpProfile.Profile faulted = new OpProfile.Profile(ops, 22771, 710);
        assertThat(faulted.profilerFaulted()).isTrue();
        assertThat(new OpProfile.Profile(ops, 1500, 710).profilerFaulted())
                .as("twice as many, but under 1000 more").isFalse();
        assertThat(new OpProfile.Profile(ops, 5000, 4000).profilerFaulted())
                .as("1000 more, but not twice as many").isFalse();
        assertThat(new OpProfile.Profile(ops, 5000, -1).profilerFaulted())
                .as("unreadable counts").isFalse();
        String table = OpProfile.table(List.of("static", "fadconv"),
                List.of(new OpProfile.Profile(ops, 220, 215), faulted), 3);
        assertThat(table.lines().toList()).last().asString()
                .startsWith("fadconv: far more pages faulted under the profiler");
        assertThat(OpProfile.table(List.of("static"),
                List.of(new OpProfile.Profile(ops, -1, -1)), 3).lines().toList()).last()
                .isEqualTo("| minor page faults per pass, profiled (unprofiled) | ? (?) |");
    }

    @Test
    void aRealConvolutionIsFoundOncePerPass() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 3, 16, 16));
            NDArray w = m.randomNormal(new Shape(4, 3, 3, 3));
            Shape one = new Shape(1, 1);
            Runnable pass = () -> {
                try (NDManager sub = m.newSubManager()) {
                    x.tempAttach(sub);
                    w.tempAttach(sub);
                    EngineConv.conv2d(x, w, null, one, one, one, 1).toFloatArray();
                }
            };
            pass.run();
            long t0 = System.nanoTime();
            OpProfile.Profile profile = OpProfile.of(3, pass);
            // two sets of three passes: unprofiled, then profiled
            double wallMs = (System.nanoTime() - t0) / 1e6 / 3;
            List<OpProfile.Op> ops = profile.ops();
            assertThat(profile.faultsPerPass()).as("counted on Linux").isGreaterThanOrEqualTo(0);
            assertThat(profile.unprofiledFaultsPerPass()).isGreaterThanOrEqualTo(0);
            assertThat(ops).filteredOn(o -> o.name().equals("aten::convolution"))
                    .singleElement().extracting(OpProfile.Op::calls).isEqualTo(1.0);
            assertThat(ops).allSatisfy(o -> assertThat(o.selfMs()).isGreaterThanOrEqualTo(0));
            assertThat(ops.stream().mapToDouble(OpProfile.Op::selfMs).sum())
                    .as("the ops' self times fit in the pass").isLessThanOrEqualTo(wallMs);
        }
    }

    private static Map<String, OpProfile.Op> byName(List<OpProfile.Op> ops) {
        return ops.stream().collect(Collectors.toMap(OpProfile.Op::name, Function.identity()));
    }
}
