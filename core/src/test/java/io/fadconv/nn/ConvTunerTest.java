package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.Djl;
import io.fadconv.testing.SystemProperties;
import io.fadconv.testing.Tensors;
import io.fadconv.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-geometry choice of strategy: timed once, cached, preset from a checkpoint, or off. */
class ConvTunerTest {

    private static final Shape ONE = new Shape(1, 1);

    @TempDir
    Path cache;

    private SystemProperties props;

    @BeforeEach
    void isolate() {
        // the suite runs with tuning off (a fixed rule, no timing); here it is on
        props = new SystemProperties().set(ConvTuner.PROPERTY, "on")
                .set("fadconv.engine.cache.dir", cache.toString());
        ConvTuner.clear();
    }

    @AfterEach
    void restore() {
        props.close();
        ConvTuner.clear();
    }

    @Test
    void aTrainingGeometryTimesEveryForwardThenTheContendersWholeAndDecidesItsInferenceTwin() {
        Djl.engine();
        // 16 output pixels, 16 output channels: im2col-bmm's unfolded input is no larger than the
        // kernels, so every strategy is a candidate
        ConvProblem p = new ConvProblem(new Shape(4, 8, 4, 4), new Shape(16, 8, 3, 3), ONE, ONE,
                ONE, 1, 4, true);
        DynamicConv2d.Strategy s = ConvTuner.strategy(p);
        ConvTuner.Choice c = ConvTuner.choices().get(p.key());
        assertThat(c.how()).isEqualTo("timed");
        assertThat(p.key()).startsWith("train B4 C8 4x4 O16 k3x3");
        for (DynamicConv2d.Strategy each : DynamicConv2d.Strategy.values()) {
            double t = c.millis()[each.ordinal()];
            if (!ConvTuner.isCandidate(each, p)) {
                assertThat(each).as("only the channels-last variant can be left out")
                        .isEqualTo(DynamicConv2d.Strategy.GROUPED_NCHW);
                assertThat(t).isNaN();
                continue;
            }
            assertThat(t).as(each + ": applies at batch 4 with 4 experts").isNotNaN()
                    .isGreaterThan(0);
            assertThat(t).as(each + " against the chosen " + s)
                    .isGreaterThanOrEqualTo(c.millis()[s.ordinal()]);
        }
        boolean alone = TimingRounds.decidedByForward(c.millis());
        // the forwards decide the same geometry in inference where both modes share a layout
        ConvTuner.Choice twin = ConvTuner.choices().get(p.inference().key());
        if (io.fadconv.engine.EngineSetup.active().layout(true)
                == io.fadconv.engine.EngineSetup.active().layout(false)) {
            assertThat(twin.how()).isEqualTo("from training");
            if (alone) {
                assertThat(twin.strategy()).as("the lone contender is the fastest forward")
                        .isEqualTo(s);
            }
            double fastestForward = twin.millis()[twin.strategy().ordinal()];
            for (DynamicConv2d.Strategy each : DynamicConv2d.Strategy.values()) {
                double t = twin.millis()[each.ordinal()];
                if (!ConvTuner.isCandidate(each, p) || t == TimingRounds.CANNOT_WIN) {
                    continue;
                }
                assertThat(t).as(each.name()).isFinite().isGreaterThan(0)
                        .isGreaterThanOrEqualTo(fastestForward);
                double whole = c.millis()[each.ordinal()];
                // a contender's later runs can lower the fastest forward, so a forward beyond
                // 1.15x of it may still have contended; one within it always did
                if (Double.isInfinite(whole)) {
                    assertThat(t).as(each + " lost in its forward")
                            .isGreaterThan(1.15 * fastestForward);
                } else if (alone) {
                    assertThat(whole).as(each + " alone within 1.15x: its forward stands for it")
                            .isEqualTo(t);
                } else {
                    assertThat(whole).as(each + ": a contender ran forward and backward")
                            .isFinite().isGreaterThan(t);
                }
            }
        } else {
            assertThat(twin).as("layouts differ: inference is timed on its own").isNull();
        }
        // the caller's gradient mode is left as it was
        assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).isFalse();
    }

    @Test
    void eachProblemsCallsAreCountedInOrderOfFirstUseOnlyDuringThePass() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray small = m.ones(new Shape(2, 8, 4, 4));
            NDArray wide = m.ones(new Shape(2, 16, 4, 4));
            NDArray attention = m.ones(new Shape(2, 4)).div(4);
            NDArray experts = m.ones(new Shape(4, 8, 8, 3, 3)).div(100);
            NDArray wideExperts = m.ones(new Shape(4, 8, 16, 3, 3)).div(100);
            Runnable pass = () -> {
                DynamicConv2d.mixture(wide, attention, wideExperts, null, null, ONE, ONE, ONE, 1);
                DynamicConv2d.mixture(small, attention, experts, null, null, ONE, ONE, ONE, 1);
                DynamicConv2d.mixture(wide, attention, wideExperts, null, null, ONE, ONE, ONE, 1);
                DynamicConv2d.mixture(small.get("0:1"), attention.get("0:1"), experts, null,
                        null, ONE, ONE, ONE, 1);
            };
            pass.run(); // decides both geometries first
            ConvProblem w = new ConvProblem(new Shape(2, 16, 4, 4), new Shape(8, 16, 3, 3), ONE,
                    ONE, ONE, 1, 4, false);
            ConvProblem s = new ConvProblem(new Shape(2, 8, 4, 4), new Shape(8, 8, 3, 3), ONE,
                    ONE, ONE, 1, 4, false);
            assertThat(ConvTuner.usesDuring(pass))
                    .as("one pass's calls; batch 1 has nothing to choose: not counted")
                    .containsExactly(Map.entry(w, 2L), Map.entry(s, 1L));
            assertThat(ConvTuner.usesDuring(() -> { })).as("nothing ran").isEmpty();
            assertThat(ConvTuner.choices()).as("the decisions stay").containsKeys(w.key(),
                    s.key());
        }
    }

    @Test
    void aMixtureWhoseOuterTapsOnlyMeetPaddingIsDecidedAndRunAsTheConvolutionOfItsLiveTaps() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            // ASPP's dilation 18 on a 6 x 6 map: only the centre tap meets the input
            NDArray x = m.ones(new Shape(2, 8, 6, 6));
            NDArray a = m.ones(new Shape(2, 3)).div(3);
            NDArray experts = m.ones(new Shape(3, 4, 8, 3, 3));
            Shape d = new Shape(18, 18);
            NDArray y = DynamicConv2d.mixture(x, a, experts, null, null, ONE, d, d, 1);
            assertThat(y.getShape()).isEqualTo(new Shape(2, 4, 6, 6));
            assertThat(ConvTuner.choices().keySet()).singleElement().asString()
                    .contains("C8 6x6 O4 k1x1 s1x1 p0x0 d1x1 g1 K3");
            // the centre tap alone: 8 channels of ones times ones
            assertThat(y.toFloatArray()).containsOnly(8f);
        }
    }

    @Test
    void theFirstUseOfAGeometryTimesEveryApplicableStrategyOnce() throws Exception {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            // 4 output pixels, 8 output channels: im2col-bmm is a candidate
            NDArray x = m.ones(new Shape(2, 8, 2, 2));
            NDArray k = m.ones(new Shape(2, 8, 8, 3, 3));
            ConvProblem problem = ConvProblem.of(x, k.getShape(), 0, ONE, ONE, ONE, 1);
            DynamicConv2d.Strategy s = ConvTuner.strategy(problem);
            Map<String, ConvTuner.Choice> choices = ConvTuner.choices();
            assertThat(choices).hasSize(1);
            ConvTuner.Choice c = choices.values().iterator().next();
            assertThat(c.how()).isEqualTo("timed");
            assertThat(c.strategy()).isEqualTo(s);
            assertThat(c.millis()).hasSize(DynamicConv2d.Strategy.values().length);
            double[] timed = java.util.Arrays.stream(c.millis()).filter(t -> !Double.isNaN(t))
                    .toArray();
            int nchw = ConvTuner.isCandidate(DynamicConv2d.Strategy.GROUPED_NCHW, problem) ? 1 : 0;
            assertThat(timed).hasSize(3 + nchw);
            assertThat(java.util.Arrays.stream(timed)).allMatch(t -> t > 0);
            assertThat(c.millis()[DynamicConv2d.Strategy.EXPERT_SUM.ordinal()])
                    .as("expert-sum needs a mixture").isNaN();
            double best = c.millis()[s.ordinal()];
            assertThat(java.util.Arrays.stream(timed)).allMatch(t -> t >= best);
            // a mixture of 4 experts: expert-sum is a candidate too
            ConvTuner.strategy(ConvProblem.of(x, new Shape(4, 8, 8, 3, 3), 4, ONE, ONE, ONE, 1));
            ConvTuner.Choice mixture = ConvTuner.choices().entrySet().stream()
                    .filter(e -> e.getKey().contains(" K4 ")).findFirst().orElseThrow().getValue();
            assertThat(java.util.Arrays.stream(mixture.millis()).filter(t -> !Double.isNaN(t)))
                    .hasSize(4 + nchw);
            assertThat(choices.keySet().iterator().next()).startsWith("infer B2 C8 2x2 O8 k3x3");
            // the same geometry again: no new decision; grouped convolutions cannot use im2col
            ConvTuner.strategy(ConvProblem.of(x, k.getShape(), 0, ONE, ONE, ONE, 1));
            assertThat(ConvTuner.choices()).hasSize(2);
            NDArray kg = m.ones(new Shape(2, 8, 4, 3, 3));
            ConvTuner.strategy(ConvProblem.of(x, kg.getShape(), 0, ONE, ONE, ONE, 2));
            ConvTuner.Choice grouped = ConvTuner.choices().entrySet().stream()
                    .filter(e -> e.getKey().contains(" g2 ")).findFirst().orElseThrow().getValue();
            assertThat(Double.isNaN(grouped.millis()[DynamicConv2d.Strategy.IM2COL_BMM.ordinal()]))
                    .isTrue();
            // a later process finds the choice on disk
            assertThat(Files.readString(cache.resolve("conv-tuning.json")))
                    .contains("infer B2 C8 2x2 O8 k3x3").contains(s.name());
            ConvTuner.clear();
            assertThat(ConvTuner.strategy(ConvProblem.of(x, k.getShape(), 0, ONE, ONE, ONE, 1)))
                    .isEqualTo(s);
            assertThat(ConvTuner.choices().values().iterator().next().how()).isEqualTo("cached");
        }
    }

    @Test
    void trainingAndInferenceAreDecidedApartAndTimingLeavesTheCallersGradientsAlone() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 4, 8, 8));
            NDArray k = m.randomUniform(-1, 1, new Shape(2, 4, 4, 3, 3));
            k.setRequiresGradient(true);
            float[][] grads = new float[2][];
            for (int run = 0; run < 2; run++) { // the first times the strategies, the second not
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    NDArray y = DynamicConv2d.conv2d(x, k.mul(k), null, ONE, ONE, ONE, 1);
                    gc.backward(y.sum());
                }
                grads[run] = k.getGradient().toFloatArray();
                Tensors.clearGradients(k);
            }
            assertThat(grads[0]).containsExactly(grads[1]);
            ConvTuner.strategy(ConvProblem.of(x, k.getShape(), 0, ONE, ONE, ONE, 1));
            assertThat(ConvTuner.choices().keySet()).anyMatch(key -> key.startsWith("train "))
                    .anyMatch(key -> key.startsWith("infer "));
        }
    }

    @Test
    void forgettingTimesAgainAndLeavesOtherMachinesChoices() throws Exception {
        Djl.engine();
        ConvProblem p = new ConvProblem(new Shape(4, 8, 4, 4), new Shape(16, 8, 3, 3), ONE, ONE,
                ONE, 1, 4, false);
        ConvTuner.strategy(p);
        assertThat(ConvTuner.remembered()).containsKey(p.key());
        Path file = ConvTuner.rememberedFile();
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        root.putObject("another machine").put(p.key(), "PER_SAMPLE");
        Files.writeString(file, Json.pretty(root));
        int remembered = ConvTuner.remembered().size();

        assertThat(ConvTuner.forgetRemembered()).isEqualTo(remembered).isPositive();

        assertThat(ConvTuner.remembered()).isEmpty();
        assertThat(ConvTuner.choices()).isEmpty();
        assertThat(Json.MAPPER.readTree(file.toFile())
                .path("another machine").path(p.key()).asText()).isEqualTo("PER_SAMPLE");
        ConvTuner.strategy(p);
        assertThat(ConvTuner.choices().get(p.key()).how()).isEqualTo("timed");
        assertThat(ConvTuner.forgetRemembered()).as("forgotten once, as after a run that timed "
                + "it").isEqualTo(1);
        assertThat(ConvTuner.forgetRemembered()).as("nothing left to forget").isZero();
    }

    @Test
    void offMeansTheFixedRuleAndAPresetWins() {
        props.set(ConvTuner.PROPERTY, "off");
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2, 512, 8, 8));
            NDArray k = m.ones(new Shape(2, 16, 512, 3, 3));
            assertThat(ConvTuner.strategy(ConvProblem.of(x, k.getShape(), 0, ONE, ONE, ONE, 1)))
                    .isEqualTo(DynamicConv2d.Strategy.IM2COL_BMM);
            assertThat(ConvTuner.choices().values().iterator().next().how()).isEqualTo("rule");
            String key = ConvTuner.choices().keySet().iterator().next();
            assertThat(Files.exists(cache.resolve("conv-tuning.json"))).isFalse();
            ConvTuner.clear();
            ConvTuner.preset(Map.of(key, "PER_SAMPLE", "some other geometry", "NO_SUCH"));
            assertThat(ConvTuner.strategy(ConvProblem.of(x, k.getShape(), 0, ONE, ONE, ONE, 1)))
                    .isEqualTo(DynamicConv2d.Strategy.PER_SAMPLE);
            assertThat(ConvTuner.strategies()).containsEntry(key, "PER_SAMPLE").hasSize(1);
        }
    }

    @Test
    void expertSumIsNotTimedWhereItsOutputsOutweighTheKernels() {
        // mobilenetv2-unet's 16 -> 96 channels, 1 x 1, at 128 x 128, batch 8, 4 experts: the
        // experts' outputs 4 x 8 x 96 x 16384 floats (201 MB), the kernels 8 x 96 x 16 (49 kB)
        ConvProblem pointwise = new ConvProblem(new Shape(8, 16, 128, 128),
                new Shape(96, 16, 1, 1), ONE, new Shape(0, 0), ONE, 1, 4, false);
        assertThat(4L * pointwise.batch() * 96 * pointwise.outPixels() * 4)
                .isEqualTo(201_326_592L);
        assertThat(pointwise.kernelBytes()).isEqualTo(8L * 96 * 16 * 4);
        assertThat(TimingRounds.outweighKernels(pointwise)).isTrue();
        // the ASPP's pooled branch (512 -> 256 channels at 1 x 1), where expert-sum wins on an
        // AMD EPYC: 4 x 8 x 256 outputs against 8 x 256 x 512 kernel values
        ConvProblem pooled = new ConvProblem(new Shape(8, 512, 1, 1), new Shape(256, 512, 1, 1),
                ONE, new Shape(0, 0), ONE, 1, 4, false);
        assertThat(TimingRounds.outweighKernels(pooled)).isFalse();
        // 512 channels, 3 x 3, at 8 x 8: 4 x 64 output pixels against 4608 values per kernel
        ConvProblem deepest = new ConvProblem(new Shape(8, 512, 8, 8), new Shape(512, 512, 3, 3),
                ONE, ONE, ONE, 1, 4, false);
        assertThat(TimingRounds.outweighKernels(deepest)).isFalse();
        // the bound is K H' W' against C kh kw: at 16 x 16 with 32 channels, 3 x 3, 4 x 256
        // exceeds 288, and with 128 channels 1024 does not exceed 1152
        assertThat(TimingRounds.outweighKernels(new ConvProblem(new Shape(8, 32, 16, 16),
                new Shape(32, 32, 3, 3), ONE, ONE, ONE, 1, 4, false))).isTrue();
        assertThat(TimingRounds.outweighKernels(new ConvProblem(new Shape(8, 128, 16, 16),
                new Shape(32, 128, 3, 3), ONE, ONE, ONE, 1, 4, false))).isFalse();
    }

    @Test
    void im2colIsNotTimedWhereItsUnfoldedInputOutweighsTheKernels() {
        // resnet18-unet's geometries at 256 x 256, batch 8, bytes by hand (float32)
        ConvProblem first = new ConvProblem(new Shape(8, 64, 64, 64), new Shape(64, 64, 3, 3),
                ONE, ONE, ONE, 1, 4, true);
        assertThat(first.unfoldedBytes()).isEqualTo(8L * 64 * 9 * 4096 * 4); // 75.5 MB
        assertThat(first.kernelBytes()).isEqualTo(8L * 64 * 64 * 9 * 4); // 1.2 MB
        assertThat(TimingRounds.unfoldsTooMuch(DynamicConv2d.Strategy.IM2COL_BMM, first))
                .isTrue();
        assertThat(TimingRounds.unfoldsTooMuch(DynamicConv2d.Strategy.GROUPED, first))
                .as("a limit on im2col-bmm's copy only").isFalse();
        ConvProblem deepest = new ConvProblem(new Shape(8, 512, 8, 8), new Shape(512, 512, 3, 3),
                ONE, ONE, ONE, 1, 4, true);
        assertThat(deepest.unfoldedBytes()).isEqualTo(8L * 512 * 9 * 64 * 4); // 9.4 MB
        assertThat(deepest.kernelBytes()).isEqualTo(8L * 512 * 512 * 9 * 4); // 75.5 MB
        assertThat(TimingRounds.unfoldsTooMuch(DynamicConv2d.Strategy.IM2COL_BMM, deepest))
                .isFalse();
        Shape two = new Shape(2, 2);
        ConvProblem strided = new ConvProblem(new Shape(8, 128, 32, 32), new Shape(256, 128, 3, 3),
                two, ONE, ONE, 1, 4, true);
        assertThat(strided.unfoldedBytes()).as("16 x 16 outputs, as many as output channels")
                .isEqualTo(strided.kernelBytes()).isEqualTo(8L * 128 * 9 * 256 * 4);
        assertThat(TimingRounds.unfoldsTooMuch(DynamicConv2d.Strategy.IM2COL_BMM, strided))
                .as("equal is no more").isFalse();
        // a decision shows why im2col-bmm was not timed
        Djl.engine();
        ConvProblem small = new ConvProblem(new Shape(2, 4, 8, 8), new Shape(4, 4, 3, 3), ONE, ONE,
                ONE, 1, 0, false);
        ConvTuner.strategy(small);
        assertThat(ConvTuner.choices().get(small.key()).millis()[
                DynamicConv2d.Strategy.IM2COL_BMM.ordinal()]).isEqualTo(TimingRounds.CANNOT_WIN);
        assertThat(ConvTuner.describe()).anySatisfy(line -> assertThat(line)
                .startsWith(small.key()).contains("IM2COL_BMM not timed (unfolds more than the"));
    }

    @Test
    void eachDecisionShowsTheTimeSpentOnIt() {
        Djl.engine();
        ConvProblem timed = new ConvProblem(new Shape(2, 4, 8, 8), new Shape(4, 4, 3, 3), ONE,
                ONE, ONE, 1, 0, false);
        ConvTuner.strategy(timed);
        ConvTuner.Choice c = ConvTuner.choices().get(timed.key());
        // the only decision so far: the process's whole deciding time is its own
        assertThat(c.decidedMs()).isPositive()
                .isCloseTo(ConvTuner.tuningSeconds() * 1e3,
                        org.assertj.core.data.Offset.offset(1e-6));
        assertThat(ConvTuner.describe()).anySatisfy(line -> assertThat(line)
                .startsWith(timed.key()).containsPattern(" in \\d+ ms"));
        // a checkpoint's choice cost this process nothing, and says nothing of time
        ConvProblem preset = new ConvProblem(new Shape(2, 8, 8, 8), new Shape(8, 8, 3, 3), ONE,
                ONE, ONE, 1, 0, false);
        ConvTuner.preset(Map.of(preset.key(), "GROUPED"));
        assertThat(ConvTuner.choices().get(preset.key()).decidedMs()).isZero();
        assertThat(ConvTuner.describe()).anySatisfy(line -> assertThat(line)
                .startsWith(preset.key()).contains("preset").doesNotContain(" in "));
    }

    @Test
    void expertSumsBoundFollowsTheRateTheTimedForwardsReachedWhenTheMeasuredOneIsLow() {
        Djl.engine();
        ConvProblem p = new ConvProblem(new Shape(4, 8, 4, 4), new Shape(16, 8, 3, 3), ONE, ONE,
                ONE, 1, 4, false);
        io.fadconv.engine.ConvLayout layout = io.fadconv.engine.EngineSetup.active().layout(false);
        // a first measurement taken while the process was starting, absurdly low
        TimingRounds.assumeDenseRate(layout, 1e-6);
        ConvTuner.strategy(p);
        double[] ms = ConvTuner.choices().get(p.key()).millis();
        double fastest = java.util.Arrays.stream(ms).filter(t -> !Double.isNaN(t)).min()
                .orElseThrow();
        // the fastest forward did p.madds() multiply-adds in `fastest` ms, so K times them at 1.5
        // times that rate take at most K / 1.5 times as long (1e-6 GMAC/s alone: ~10^6 s)
        assertThat(TimingRounds.expertSumBoundMs(p))
                .isLessThanOrEqualTo(4 / 1.5 * fastest * 1.0001);
    }

    @Test
    void theTimingDataHasTheProblemsShapesInTheEnginesLayoutAndSpreadValues() {
        Djl.engine();
        ConvProblem p = new ConvProblem(new Shape(2, 8, 10, 12), new Shape(16, 8, 3, 3), ONE,
                ONE, ONE, 1, 4, false);
        Djl.seed(7);
        float expected;
        try (NDManager m = NDManager.newBaseManager()) {
            expected = m.randomUniform(0, 1, new Shape(1)).getFloat(0);
        }
        Djl.seed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvProblem.Data d = p.draw(m);
            boolean nhwc = io.fadconv.engine.EngineSetup.active().layout()
                    == io.fadconv.engine.ConvLayout.CHANNELS_LAST;
            assertThat(d.channelsLast()).isEqualTo(nhwc);
            assertThat(d.x().getShape()).isEqualTo(nhwc ? new Shape(2, 10, 12, 8) : p.input());
            assertThat(d.kernels().getShape()).isEqualTo(new Shape(4, 16, 8, 3, 3));
            assertThat(d.attention().getShape()).isEqualTo(new Shape(2, 4));
            for (NDArray a : List.of(d.x(), d.kernels())) {
                double mean = java.util.Arrays.stream(Tensors.values(a)).average().orElse(0);
                assertThat(mean).as("spread around 0").isBetween(-0.1, 0.1);
                assertThat(a.max().getFloat()).isLessThan(1f).isGreaterThan(0.9f);
                assertThat(a.min().getFloat()).isGreaterThanOrEqualTo(-1f).isLessThan(-0.9f);
            }
            assertThat(d.x().toFloatArray()[0]).as("each array has its own salt")
                    .isNotEqualTo(d.kernels().toFloatArray()[0]);
            float[] a = d.attention().toFloatArray();
            for (float v : a) {
                assertThat(v).isBetween(0.25f - 0.05f, 0.25f + 0.05f);
            }
            assertThat(m.randomUniform(0, 1, new Shape(1)).getFloat(0))
                    .as("the generator was not touched").isEqualTo(expected);
        }
        ConvProblem nobatchData = new ConvProblem(new Shape(3, 4, 5, 5), new Shape(6, 4, 3, 3),
                ONE, ONE, ONE, 1, 0, false);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvProblem.Data d = nobatchData.draw(m);
            assertThat(d.kernels().getShape()).as("per-sample kernels")
                    .isEqualTo(new Shape(3, 6, 4, 3, 3));
            assertThat(d.attention()).isNull();
        }
    }

    @Test
    void everyStrategyIsTimedWithItsOutputInTheLayoutTheNetworkGoesOnIn() {
        Djl.engine();
        // an output left in NCHW under channels-last costs the network a copy back: it counts
        ConvProblem p = new ConvProblem(new Shape(2, 8, 6, 6), new Shape(8, 8, 3, 3), ONE, ONE,
                ONE, 1, 4, false);
        io.fadconv.engine.ConvLayout layout = io.fadconv.engine.EngineSetup.active().layout();
        try (NDManager m = NDManager.newBaseManager()) {
            ConvProblem.Data data = p.draw(m);
            for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
                if (!s.applies(2, 1, 4, layout)) {
                    continue;
                }
                try (NDManager run = m.newSubManager()) {
                    NDArray y = p.forward(s, run, data).output();
                    assertThat(Tensors.nhwcInMemory(y)).as(s + " under " + layout)
                            .isEqualTo(layout == io.fadconv.engine.ConvLayout.CHANNELS_LAST);
                }
            }
        }
    }

    @Test
    void aLineSaysWhyACandidateHasNoTimeAndWhenAForwardAloneDecided() {
        double inf = Double.POSITIVE_INFINITY;
        double nan = Double.NaN;
        // in Strategy order: grouped, chunked-grouped, grouped-nchw, im2col-bmm, per-sample,
        // expert-sum
        double[] loneForward = {10, inf, nan, TimingRounds.CANNOT_WIN, inf,
            TimingRounds.CANNOT_WIN};
        String key = "train B8 C64 64x64 O64 k3x3 s1x1 p1x1 d1x1 g1 K4 default";
        String line = ConvTuner.line(key,
                new ConvTuner.Choice(DynamicConv2d.Strategy.GROUPED, "timed", loneForward, 87.4));
        assertThat(line).startsWith(key).contains("GROUPED    timed in 87 ms")
                .contains("GROUPED 10.0 ms forward (no other forward within 1.15x)")
                .contains("CHUNKED_GROUPED lost in its forward")
                .contains("IM2COL_BMM not timed (unfolds more than the kernels)")
                .contains("PER_SAMPLE lost in its forward")
                .contains("EXPERT_SUM not timed (K times the work or the output)")
                .doesNotContain("GROUPED_NCHW");
        // two contenders ran forward and backward: plain times
        double[] raced = {40, 31, nan, TimingRounds.CANNOT_WIN, inf, nan};
        assertThat(ConvTuner.line(key, new ConvTuner.Choice(
                DynamicConv2d.Strategy.CHUNKED_GROUPED, "timed", raced, 120)))
                .contains("GROUPED 40.0 ms  CHUNKED_GROUPED 31.0 ms").doesNotContain("forward (");
        // an inference geometry's times are forwards anyway
        assertThat(ConvTuner.line(key.replace("train", "infer"), new ConvTuner.Choice(
                DynamicConv2d.Strategy.GROUPED, "timed", loneForward, 50)))
                .contains("GROUPED 10.0 ms").doesNotContain("forward (");
    }
}
