package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import io.fadconv.engine.EngineCheck;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.EngineStatus;
import io.fadconv.engine.LayoutRace;
import io.fadconv.model.ModelSpec;
import io.fadconv.testing.SystemProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training layout timed per network, on hand-made set-up decisions. */
class LayoutChoiceTest {

    private static final ModelSpec NET = ModelSpec.of("resnet18x0.25-unet", "fadconv", 3, 2);

    @TempDir
    Path cache;

    private final SystemProperties props = new SystemProperties();

    @BeforeEach
    void isolate() {
        props.set("fadconv.engine.cache.dir", cache.toString());
    }

    @AfterEach
    void restore() {
        props.close();
    }

    /** This process's decision with other facts: the configuration, what was correct, a race. */
    private static EngineStatus status(EngineConfig config, boolean forced, boolean raced,
            EngineConfig... correct) {
        EngineStatus s = EngineSetup.ensure();
        List<EngineCheck.Report> checks = java.util.Arrays.stream(correct)
                .map(c -> new EngineCheck.Report(c, List.of(), true, 1, 1.0, null)).toList();
        return new EngineStatus(config, forced, checks, List.of(), raced
                ? new LayoutRace.Result(Map.of(), Map.of(), config, "cached") : null, s.cpu(),
                s.pytorch(), s.djl(), s.threads(), s.maxIsa(), s.logLevel());
    }

    @Test
    void anotherConfigurationWinsOnlyByMoreThanTheMargin() {
        EngineConfig d = EngineConfig.CHANNELS_LAST_INFERENCE;
        EngineConfig cl = EngineConfig.CHANNELS_LAST;
        assertThat(LayoutChoice.fastest(Map.of(d, 340.0, cl, 395.0), cl))
                .as("16 % faster").isEqualTo(d);
        assertThat(LayoutChoice.fastest(Map.of(d, 380.0, cl, 395.0), cl))
                .as("4 % faster: the machine's stays").isEqualTo(cl);
        assertThat(LayoutChoice.fastest(Map.of(d, 400.0, cl, 395.0), cl)).isEqualTo(cl);
        assertThat(LayoutChoice.fastest(Map.of(d, 400.0, cl, 300.0), d))
                .as("the machine's may lose too").isEqualTo(cl);
    }

    @Test
    void theCandidatesDifferInTheTrainingLayoutAndKeepTheMachinesInferenceLayout() {
        EngineConfig d = EngineConfig.DEFAULT;
        EngineConfig cl = EngineConfig.CHANNELS_LAST;
        assertThat(LayoutChoice.candidates(status(cl, false, true, d, cl)))
                .containsExactly(EngineConfig.CHANNELS_LAST_INFERENCE, cl);
        assertThat(LayoutChoice.candidates(status(cl, true, true, d, cl)))
                .as("forced").containsExactly(cl);
        assertThat(LayoutChoice.candidates(status(cl, false, false, d, cl)))
                .as("no race").containsExactly(cl);
        assertThat(LayoutChoice.candidates(status(cl, false, true, cl)))
                .as("NCHW training is only covered when default is correct").containsExactly(cl);
        assertThat(LayoutChoice.candidates(status(d, false, true, d, cl)))
                .as("no configuration trains channels-last and infers in NCHW")
                .containsExactly(d);
    }

    @Test
    void aNetworkIsTimedOnceUnderEachCandidateRememberedAndTheProcessLeftAsItWas()
            throws Exception {
        EngineConfig before = EngineSetup.active();
        EngineStatus s = status(EngineConfig.CHANNELS_LAST, false, true, EngineConfig.DEFAULT,
                EngineConfig.CHANNELS_LAST);
        Shape input = new Shape(2, 3, 32, 32);
        LayoutChoice.Result timed = LayoutChoice.choose(NET, input, s);
        assertThat(timed.how()).isEqualTo("timed");
        assertThat(timed.millis()).containsOnlyKeys(EngineConfig.CHANNELS_LAST_INFERENCE,
                EngineConfig.CHANNELS_LAST);
        assertThat(timed.millis().values()).allMatch(ms -> ms > 0);
        double fastest = timed.millis().values().stream().min(Double::compare).orElseThrow();
        assertThat(timed.millis().get(timed.config())).as("the fastest, or within the margin")
                .isLessThanOrEqualTo(fastest * (1 + LayoutChoice.MARGIN));
        assertThat(EngineSetup.active()).as("the process's configuration").isEqualTo(before);
        assertThat(timed.describe()).contains(timed.config().toString()).contains("ms per step");
        assertThat(Files.readString(cache.resolve("network-layout.json")))
                .contains(NET.resolvedString() + " " + input).contains(timed.config().id());

        LayoutChoice.Result again = LayoutChoice.choose(NET, input, s);
        assertThat(again.how()).isEqualTo("cached");
        assertThat(again.config()).isEqualTo(timed.config());
        assertThat(LayoutChoice.choose(NET, new Shape(2, 3, 64, 64), s).how())
                .as("another tile is another network to time").isEqualTo("timed");
        assertThat(LayoutChoice.choose(NET, input, status(EngineConfig.CHANNELS_LAST, true, true,
                EngineConfig.DEFAULT, EngineConfig.CHANNELS_LAST)).how()).isEqualTo("only");
    }

    @Test
    void aResumedRunContinuesUnderItsCheckpointsConfigurationWhereThatIsCorrectHere() {
        EngineStatus s = EngineSetup.ensure();
        EngineConfig active = EngineSetup.active();
        assertThat(LayoutChoice.resumed(active.id())).isEqualTo(active);
        assertThat(LayoutChoice.resumed("no-such-configuration")).isEqualTo(active);
        for (EngineCheck.Report r : s.checks()) {
            EngineConfig expected = r.passed() ? r.config() : active;
            if (!r.config().needsSetupBeforeLoad()) {
                assertThat(LayoutChoice.resumed(r.config().id())).as(r.config().id())
                        .isEqualTo(expected);
            }
        }
        for (EngineConfig wrong : s.skipped()) {
            assertThat(LayoutChoice.resumed(wrong.id())).as("known wrong here").isEqualTo(active);
        }
    }
}
