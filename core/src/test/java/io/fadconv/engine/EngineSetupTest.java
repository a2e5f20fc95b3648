package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.testing.ConvCheck;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine self-check and the choice of configuration: the check passes under the
 * configuration chosen here, and when the check is made to fail, the fallback engages and
 * computes convolutions and gradients that match a double-precision reference.
 */
class EngineSetupTest {

    /** Shape classes found wrong on an AMD Zen 5: batch, in, out, size, kernel, stride, pad, groups. */
    private static final int[][] CASES = {
        {1, 3, 8, 8, 5, 1, 2, 1}, {2, 8, 8, 9, 3, 1, 1, 1}, {2, 4, 4, 16, 3, 1, 1, 1},
        {2, 24, 16, 8, 3, 1, 1, 1}, {2, 16, 1, 16, 3, 1, 1, 1}, {2, 12, 12, 8, 3, 1, 1, 12},
        {2, 3, 8, 16, 7, 2, 3, 1}, {1, 32, 32, 8, 3, 1, 1, 4},
        // and in channels-last: a channel multiplier, one input channel, 1 x 1 forwards
        {2, 6, 12, 9, 3, 1, 1, 6}, {2, 1, 4, 9, 3, 1, 1, 1}, {2, 40, 40, 16, 1, 1, 0, 1},
        {2, 160, 80, 7, 1, 1, 0, 1}
    };

    private EngineStatus original;
    private String cacheProperty;

    @BeforeEach
    void remember(@TempDir Path cache) {
        original = Djl.status();
        cacheProperty = System.getProperty("fadconv.engine.cache.dir");
        System.setProperty("fadconv.engine.cache.dir", cache.toString());
        // the choices made again below need one round each; the full check is tested first
        System.setProperty(EngineSetup.REPEATS_PROPERTY, "1");
    }

    @AfterEach
    void restore() {
        System.clearProperty(EngineSetup.REPEATS_PROPERTY);
        EngineSetup.restore(original);
        if (cacheProperty == null) {
            System.clearProperty("fadconv.engine.cache.dir");
        } else {
            System.setProperty("fadconv.engine.cache.dir", cacheProperty);
        }
    }

    @Test
    void selfCheckPassesUnderTheConfigurationChosenHere() {
        EngineStatus s = Djl.status();
        assertThat(s.activeCheck()).isNotNull();
        assertThat(s.activeCheck().passed()).as(s.activeCheck().summary()).isTrue();
        assertThat(s.activeCheck().cases()).hasSize(EngineCheck.CASES.size());
        assertThat(EngineSetup.active()).isEqualTo(s.config());
        // more rounds than at start-up, to catch intermittent errors the start-up check missed
        EngineCheck.Report again = EngineCheck.run(s.config(), 3 * EngineCheck.DEFAULT_REPEATS);
        assertThat(again.passed()).as(again.summary()).isTrue();
        assertThat(again.rounds()).isEqualTo(3 * EngineCheck.DEFAULT_REPEATS);
        assertThat(s.pytorch()).isEqualTo("2.7.1");
        assertThat(s.threads()).isPositive();
        assertThat(s.logLevel()).as("libtorch logging honours TORCH_CPP_LOG_LEVEL=ERROR").isEqualTo(2);
    }

    @Test
    void theFailPropertyEngagesTheFallbackAtStartUp() {
        // the suite runs again with -Dfadconv.engine.fail=default (and =default,channels-last)
        String failing = System.getProperty(EngineSetup.FAIL_PROPERTY, "");
        EngineStatus s = Djl.status();
        for (String name : failing.split(",")) {
            if (!name.isBlank()) {
                assertThat(s.config()).isNotEqualTo(EngineConfig.of(name));
            }
        }
        if (!failing.isBlank()) {
            assertThat(s.fallback()).isTrue();
            // made to fail, unless an earlier run here found it wrong for real (then skipped)
            assertThat(s.checks().get(0).simulatedFailure() != null
                    || s.skipped().contains(EngineConfig.DEFAULT)).as(s.checks().get(0).summary())
                    .isTrue();
            assertThat(s.activeCheck().passed()).isTrue();
        }
    }

    @Test
    void theCheckFindsAWrongConvolution() {
        // the comparison itself: a float32 result off by 1 % and one with a NaN are wrong
        double[] ref = {1, -2, 3, 4};
        assertThat(EngineCheck.relativeError(new double[] {1, -2, 3, 4.04}, ref)).isEqualTo(0.01,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(EngineCheck.relativeError(new double[] {1, Double.NaN, 3, 4}, ref)).isNaN();
        EngineCheck.CaseResult nan = new EngineCheck.CaseResult("c", 1e-7, Double.NaN, 1e-7);
        assertThat(nan.right()).isFalse();
        assertThat(nan.worst()).isNaN();
        EngineCheck.Report report = new EngineCheck.Report(EngineConfig.DEFAULT,
                List.of(new EngineCheck.CaseResult("a", 1e-7, 1e-7, 1e-7), nan,
                        new EngineCheck.CaseResult("b", 1e-6, 1e-7, 1e-7)), true, 1, 1, null);
        assertThat(report.passed()).isFalse();
        assertThat(report.worstCase().label()).isEqualTo("c");
        assertThat(report.summary()).contains("WRONG").contains("NaN");
    }

    @Test
    void aFailedCheckFallsBackToChannelsLastWithFloat64ExactConvolutions() {
        // channels-last where it is right here; on an AMD Zen 5 it is not, and oneDNN goes off
        EngineConfig fallback = fallbackHere();
        EngineStatus s = EngineSetup.select(null, EnumSet.of(EngineConfig.DEFAULT), "2.7.1",
                "0.36.0", false);
        assertThat(s.config()).isEqualTo(fallback);
        assertThat(EngineSetup.active()).isEqualTo(fallback);
        assertThat(s.fallback()).isTrue();
        assertThat(s.checks()).extracting(EngineCheck.Report::config).containsExactlyElementsOf(
                EngineConfig.AUTOMATIC.subList(0, EngineConfig.AUTOMATIC.indexOf(fallback) + 1));
        assertThat(s.checks().get(0).passed()).isFalse();
        assertThat(s.warning()).contains("wrong convolutions").contains("'" + fallback + "'")
                .doesNotContain("\n");
        assertThat(NativeTorch.oneDnnEnabled()).isEqualTo(fallback.oneDnn());
        assertConvolutionsMatchDoublePrecision();
        assertThat(Set.copyOf(VerdictCache.open("any").wrong())).as("simulated failures are "
                + "never remembered").isEmpty();
    }

    @Test
    void whenChannelsLastFailsTooTheGuardedConfigurationIsNextWithFloat64ExactConvolutions() {
        EngineConfig expected = fallbackAfter(EngineConfig.CHANNELS_LAST_GUARDED);
        EngineStatus s = EngineSetup.select(null,
                EnumSet.of(EngineConfig.DEFAULT, EngineConfig.CHANNELS_LAST), "2.7.1", "0.36.0",
                false);
        assertThat(s.config()).isEqualTo(expected);
        assertThat(EngineSetup.active().guarded())
                .isEqualTo(expected == EngineConfig.CHANNELS_LAST_GUARDED);
        assertConvolutionsMatchDoublePrecision();
    }

    @Test
    void whenTheGuardedConfigurationFailsTooOneDnnIsSwitchedOff() {
        EngineStatus s = EngineSetup.select(null, EnumSet.of(EngineConfig.DEFAULT,
                EngineConfig.CHANNELS_LAST, EngineConfig.CHANNELS_LAST_GUARDED), "2.7.1",
                "0.36.0", false);
        assertThat(s.config()).isEqualTo(EngineConfig.ONEDNN_OFF);
        assertThat(NativeTorch.oneDnnEnabled()).isFalse();
        assertConvolutionsMatchDoublePrecision();
        EngineSetup.restore(original);
        assertThat(NativeTorch.oneDnnEnabled()).isEqualTo(original.config().oneDnn());
    }

    @Test
    void whenEveryConfigurationFailsTheErrorSaysWhatToDo() {
        assertThatThrownBy(() -> EngineSetup.select(null, EnumSet.copyOf(EngineConfig.AUTOMATIC),
                "2.7.1", "0.36.0", false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("every configuration tried")
                .hasMessageContaining("fadconv doctor")
                .hasMessageContaining("-Dfadconv.engine=");
    }

    @Test
    void aConfigurationFoundWrongEarlierIsSkipped() {
        EngineStatus here = Djl.status();
        VerdictCache cache = VerdictCache.open(EngineStatus.machineKey(CpuInfo.read(), "2.7.1", "0.36.0",
                NativeTorch.intraOpThreads(), NativeTorch.getenv("DNNL_MAX_CPU_ISA")));
        EngineConfig fallback = fallbackHere();
        cache.recordWrong(EngineConfig.DEFAULT);
        assertThat(Files.isRegularFile(cache.file())).isTrue();
        EngineStatus s = EngineSetup.select(null, Set.of(), "2.7.1", "0.36.0", false);
        assertThat(s.skipped()).containsExactly(EngineConfig.DEFAULT);
        assertThat(s.config()).isEqualTo(fallback);
        assertThat(s.warning()).contains("an earlier run here found [default] wrong; "
                + "'fadconv doctor --recheck' checks them again");
        // another machine or engine version keys its own verdicts
        assertThat(VerdictCache.open(EngineStatus.machineKey(here.cpu(), "2.8.0", "0.36.0", 2, null))
                .wrong()).isEmpty();
    }

    @Test
    void whereTheDefaultIsRightTheFasterCorrectConfigurationWinsAndIsRemembered() {
        org.junit.jupiter.api.Assumptions.assumeTrue(rightHere(EngineConfig.DEFAULT)
                && rightHere(EngineConfig.CHANNELS_LAST), "the race is between correct "
                + "configurations, and the default or channels-last computes wrong convolutions "
                + "on this CPU (the fallback tests cover it)");
        String race = System.getProperty(EngineSetup.RACE_PROPERTY);
        System.setProperty(EngineSetup.RACE_PROPERTY, "on"); // one execution runs with it off
        try {
            raceAndRemember();
        } finally {
            if (race == null) {
                System.clearProperty(EngineSetup.RACE_PROPERTY);
            } else {
                System.setProperty(EngineSetup.RACE_PROPERTY, race);
            }
        }
    }

    @Test
    void configurationsAreTimedSideBySideAfterAnUntimedRoundEveryOtherRoundReversed() {
        EngineConfig d = EngineConfig.DEFAULT;
        EngineConfig cl = EngineConfig.CHANNELS_LAST;
        List<String> calls = new java.util.ArrayList<>();
        EngineConfig[] applied = new EngineConfig[1];
        // each pass reports its call number and ten times it: medians of hand-known rounds
        List<Map<EngineConfig, Double>> ms = LayoutRace.interleaved(List.of(d, cl), 3,
                c -> applied[0] = c, c -> {
                    assertThat(c).as("the pass runs under what was applied").isEqualTo(applied[0]);
                    calls.add(c.id());
                    double n = calls.size();
                    return new double[] {n, 10 * n};
                });
        // round -1 (untimed): d, cl; round 0 reversed: cl, d; round 1: d, cl; round 2: cl, d
        assertThat(calls).containsExactly("default", "channels-last", "channels-last", "default",
                "default", "channels-last", "channels-last", "default");
        // d ran as calls 4, 5, 8 when timed; cl as 3, 6, 7
        assertThat(ms.get(0)).containsExactlyInAnyOrderEntriesOf(Map.of(d, 5.0, cl, 6.0));
        assertThat(ms.get(1)).containsExactlyInAnyOrderEntriesOf(Map.of(d, 50.0, cl, 60.0));
    }

    @Test
    void theRaceTakesTheFasterLayoutOfEachModeElseTheFasterOverBoth() {
        EngineConfig d = EngineConfig.DEFAULT;
        EngineConfig cl = EngineConfig.CHANNELS_LAST;
        List<EngineConfig> both = List.of(d, cl);
        // faster in both modes
        assertThat(LayoutRace.winner(both, Map.of(d, 10.0, cl, 12.0), Map.of(d, 3.0, cl, 4.0)))
                .isEqualTo(d);
        assertThat(LayoutRace.winner(both, Map.of(d, 12.0, cl, 10.0), Map.of(d, 4.0, cl, 3.0)))
                .isEqualTo(cl);
        // NCHW in training, channels-last in inference: the configuration made of the two
        assertThat(LayoutRace.winner(both, Map.of(d, 10.0, cl, 12.0), Map.of(d, 4.0, cl, 3.0)))
                .isEqualTo(EngineConfig.CHANNELS_LAST_INFERENCE);
        // never a configuration that was not raced (found correct): NCHW in both modes is
        // PyTorch's default, not raced here, so the faster over both, 10 + 3 < 12 + 4
        EngineConfig off = EngineConfig.ONEDNN_OFF;
        assertThat(LayoutRace.winner(List.of(off, cl), Map.of(off, 10.0, cl, 12.0),
                Map.of(off, 3.0, cl, 4.0))).isEqualTo(off);
        // channels-last in training, NCHW in inference has no configuration: the faster over
        // one pass of each mode, 8 + 4 = 12 < 10 + 3 = 13, and 9.5 + 4 = 13.5 > 13
        assertThat(LayoutRace.winner(both, Map.of(d, 10.0, cl, 8.0), Map.of(d, 3.0, cl, 4.0)))
                .isEqualTo(cl);
        assertThat(LayoutRace.winner(both, Map.of(d, 10.0, cl, 9.5), Map.of(d, 3.0, cl, 4.0)))
                .isEqualTo(d);
    }

    private void raceAndRemember() {
        EngineStatus s = EngineSetup.select(null, Set.of(), "2.7.1", "0.36.0", false);
        assertThat(s.fallback()).isFalse();
        assertThat(s.warning()).isNull();
        assertThat(s.checks()).extracting(EngineCheck.Report::config)
                .containsExactly(EngineConfig.DEFAULT, EngineConfig.CHANNELS_LAST);
        assertThat(s.race()).isNotNull();
        assertThat(s.race().how()).isEqualTo("timed");
        assertThat(s.race().millis()).containsOnlyKeys(EngineConfig.DEFAULT,
                EngineConfig.CHANNELS_LAST).allSatisfy((c, ms) -> assertThat(ms).isPositive());
        assertThat(s.race().inferenceMillis()).containsOnlyKeys(EngineConfig.DEFAULT,
                EngineConfig.CHANNELS_LAST).allSatisfy((c, ms) -> assertThat(ms).isPositive());
        assertThat(s.race().fastest()).isIn(EngineConfig.DEFAULT, EngineConfig.CHANNELS_LAST,
                EngineConfig.CHANNELS_LAST_INFERENCE);
        assertThat(s.config()).isEqualTo(s.race().fastest());
        EngineStatus again = EngineSetup.select(null, Set.of(), "2.7.1", "0.36.0", false);
        assertThat(again.race().how()).isEqualTo("cached");
        assertThat(again.config()).isEqualTo(s.config());
        System.setProperty(EngineSetup.RACE_PROPERTY, "off");
        try {
            EngineStatus plain = EngineSetup.select(null, Set.of(), "2.7.1", "0.36.0", false);
            assertThat(plain.config()).isEqualTo(EngineConfig.DEFAULT);
            assertThat(plain.race()).isNull();
            assertThat(plain.checks()).hasSize(1);
            // doctor --race: races although a winner is remembered and the race is off
            EngineStatus raced = EngineSetup.select(null, Set.of(), "2.7.1", "0.36.0", true);
            assertThat(raced.race()).isNotNull();
            assertThat(raced.race().how()).isEqualTo("timed");
            assertThat(raced.config()).isEqualTo(raced.race().fastest());
        } finally {
            System.setProperty(EngineSetup.RACE_PROPERTY, "on");
        }
    }

    @Test
    void channelsLastInInferenceOnlyChecksBothLayoutsAndSwitchesWithTheGradientMode() {
        EngineStatus before = EngineSetup.ensure();
        try {
            boolean bothRight = rightHere(EngineConfig.DEFAULT)
                    && rightHere(EngineConfig.CHANNELS_LAST);
            EngineStatus s = EngineSetup.select(EngineConfig.CHANNELS_LAST_INFERENCE, Set.of(),
                    "2.7.1", "0.36.0", false);
            // right exactly where both of its layouts are (not on an AMD Zen 5)
            assertThat(s.activeCheck().passed()).isEqualTo(bothRight);
            EngineConfig c = s.config();
            assertThat(c.layouts()).containsExactlyInAnyOrder(ConvLayout.NCHW,
                    ConvLayout.CHANNELS_LAST);
            boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
            try {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                assertThat(c.layout()).isEqualTo(ConvLayout.NCHW);
                ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                assertThat(c.layout()).isEqualTo(ConvLayout.CHANNELS_LAST);
            } finally {
                ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
            }
            assertThat(c.coveredBy(List.of(EngineConfig.DEFAULT))).isFalse();
            assertThat(c.coveredBy(List.of(EngineConfig.DEFAULT, EngineConfig.CHANNELS_LAST)))
                    .isTrue();
            assertThat(EngineConfig.withLayouts(ConvLayout.CHANNELS_LAST, ConvLayout.NCHW))
                    .isNull();
        } finally {
            EngineSetup.restore(before);
        }
    }

    @Test
    void aForcedConfigurationIsUsedAndChecked() {
        EngineStatus s = EngineSetup.select(EngineConfig.ONEDNN_OFF, Set.of(), "2.7.1", "0.36.0",
                false);
        assertThat(s.forced()).isTrue();
        assertThat(s.fallback()).isFalse();
        assertThat(s.config()).isEqualTo(EngineConfig.ONEDNN_OFF);
        assertThat(s.checks()).hasSize(1);
        assertThat(s.warning()).isNull();
        EngineStatus failing = EngineSetup.select(EngineConfig.CHANNELS_LAST,
                EnumSet.of(EngineConfig.CHANNELS_LAST), "2.7.1", "0.36.0", false);
        assertThat(failing.warning()).contains("(forced) fails the self-check");
    }

    @Test
    void configurationNamesAreOneRegistryWithHelpfulErrors() {
        assertThat(EngineConfig.of(" Channels-Last ")).isEqualTo(EngineConfig.CHANNELS_LAST);
        assertThatThrownBy(() -> EngineConfig.of("fast"))
                .hasMessage("unknown engine configuration 'fast'; valid: auto, default, "
                        + "channels-last, channels-last-inference, channels-last-guarded, "
                        + "onednn-off, isa-avx2, isa-sse41");
        assertThat(EngineConfig.AUTOMATIC).allMatch(c -> !c.needsSetupBeforeLoad());
        assertThat(EngineConfig.ISA_SSE41.maxIsa()).isEqualTo("SSE41");
    }

    @Test
    void channelsLastIsNhwcInMemoryAndTheConvolutionKeepsIt() {
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            NDArray x = m.arange(2 * 3 * 4 * 5).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .reshape(2, 3, 4, 5);
            NDArray cl = EngineConv.channelsLast(x);
            assertThat(cl.toFloatArray()).containsExactly(x.toFloatArray());
            // NHWC in memory: the NHWC permutation of it is a view, so writing through it
            // changes it; for an NCHW tensor the same flatten is a copy and changes nothing
            assertThat(Tensors.nhwcInMemory(cl)).isTrue();
            assertThat(Tensors.nhwcInMemory(x.duplicate())).isFalse();
            // 16 channels: oneDNN's own route under every configuration that runs it
            NDArray x16 = m.ones(new Shape(2, 16, 4, 5));
            NDArray w = m.ones(new Shape(16, 16, 3, 3));
            Shape one = new Shape(1, 1);
            NDArray y = EngineConv.conv2d(ConvLayout.CHANNELS_LAST, x16, w, null, one, one, one,
                    1);
            assertThat(Tensors.nhwcInMemory(y)).as("the engine returned channels-last").isTrue();
            // NCHW asked for: NCHW back, except where the guard keeps oneDNN in channels-last
            NDArray yNchw = EngineConv.conv2d(ConvLayout.NCHW, x16, w, null, one, one, one, 1);
            assertThat(Tensors.nhwcInMemory(yNchw)).isEqualTo(EngineSetup.active().guarded());
            // the batch folded into channels and back: the values of a reshape, and
            // channels-last in memory when asked for
            for (ConvLayout layout : ConvLayout.values()) {
                NDArray folded = EngineConv.foldBatch(layout, EngineConv.channelsLast(x));
                assertThat(folded.getShape()).isEqualTo(new Shape(1, 6, 4, 5));
                assertThat(folded.toFloatArray()).containsExactly(x.toFloatArray());
                NDArray back = EngineConv.unfoldBatch(layout, folded, 2);
                assertThat(back.getShape()).isEqualTo(x.getShape());
                assertThat(back.toFloatArray()).containsExactly(x.toFloatArray());
                boolean nhwc = layout == ConvLayout.CHANNELS_LAST;
                assertThat(Tensors.nhwcInMemory(EngineConv.foldBatch(layout, x))).isEqualTo(nhwc);
                assertThat(Tensors.nhwcInMemory(EngineConv.unfoldBatch(layout,
                        EngineConv.foldBatch(layout, x), 2))).isEqualTo(nhwc);
            }
        }
    }

    @Test
    void cpuInfoReadsTheFieldsTheKernelsDependOn() {
        CpuInfo zen5 = CpuInfo.parse(List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
                "cpu family\t: 26", "model\t\t: 2", "model name\t: AMD EPYC 9R45",
                "stepping\t: 1", "flags\t\t: fpu avx2 fma avx512f avx512_vp2intersect avx512_bf16",
                "", "processor\t: 1"));
        assertThat(zen5.family()).isEqualTo(26);
        assertThat(zen5.vectorFlags()).isEqualTo("avx2 fma avx512f avx512_bf16 avx512_vp2intersect");
        assertThat(zen5.describe()).isEqualTo("AMD EPYC 9R45 (AuthenticAMD, family 26, model 2, "
                + "stepping 1)");
    }

    /**
     * Whether a configuration computes the check's convolutions right on this machine (a check
     * of its own, one round; the check's data are seeded, so the verdict is the same each time).
     */
    private static boolean rightHere(EngineConfig config) {
        EngineStatus before = EngineSetup.ensure();
        try {
            return EngineSetup.select(config, Set.of(), "2.7.1", "0.36.0", false).activeCheck()
                    .passed();
        } finally {
            EngineSetup.restore(before);
        }
    }

    /** The configuration the automatic choice falls back to when the default is found wrong. */
    private static EngineConfig fallbackHere() {
        return fallbackAfter(EngineConfig.CHANNELS_LAST);
    }

    /** The first configuration from {@code first} on in the automatic order that is right here. */
    private static EngineConfig fallbackAfter(EngineConfig first) {
        List<EngineConfig> order = EngineConfig.AUTOMATIC;
        for (EngineConfig c : order.subList(order.indexOf(first), order.size() - 1)) {
            if (rightHere(c)) {
                return c;
            }
        }
        return EngineConfig.ONEDNN_OFF;
    }

    /** Convolutions and both gradients under the active configuration against RefMath. */
    private static void assertConvolutionsMatchDoublePrecision() {
        Random random = new Random(11);
        try (NDManager m = Djl.engine().newBaseManager()) {
            for (int[] c : CASES) {
                ConvCheck.Case t = new ConvCheck.Case(c[0], c[1], c[2], c[3], c[3], c[4], c[5],
                        c[6], 1, c[7], false);
                ConvCheck.assertMatches(m, random, t, (x, w, bias) -> EngineConv.conv2d(x, w,
                        null, t.strideShape(), t.paddingShape(), t.dilationShape(), t.groups()),
                        1e-5);
            }
        }
    }
}
