package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.Djl;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.EngineStatus;
import io.fadconv.nn.ConvTuner;
import io.fadconv.nn.DynamicConv2d;
import io.fadconv.testing.SystemProperties;
import io.fadconv.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fadconv doctor}: what it prints, its JSON, its errors, racing again and forgetting the
 * tuner's choices.
 */
class DoctorCommandTest {

    private static final String CACHE_DIR = "fadconv.engine.cache.dir";

    @Test
    void printsTheMachineTheCheckAndTheConfigurationInUse() {
        CliRun r = CliRun.of("doctor");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        EngineStatus s = EngineSetup.ensure();
        assertThat(r.out()).contains("CPU            " + s.cpu().describe())
                .contains("PyTorch " + s.pytorch())
                .contains("Configuration in use: " + s.config().id())
                .contains(s.config().id() + ": right (worst relative error")
                .contains("Could not initialize NNPACK!");
        String peak = io.fadconv.engine.FmaPeak.of(s.cpu(), Runtime.getRuntime()
                .availableProcessors()).map(io.fadconv.engine.FmaPeak::describe)
                .orElse("unknown for this processor");
        assertThat(r.out()).contains("FMA peak       " + peak);
        assertThat(r.out()).as("the compilers and when they give way").containsPattern(
                "JIT compilers  [1-9][0-9]* threads, [0-9]+ at nice 19 under SCHED_IDLE \\(lowered "
                        + "before the tuner or a layout race times");
    }

    @Test
    void listsTheTrainingLayoutsTimedPerNetworkAndWhereTheyAreKept(@TempDir Path cache) {
        SystemProperties cacheHere = new SystemProperties().set(CACHE_DIR, cache.toString());
        try (cacheHere) {
            CliRun r = CliRun.of("doctor");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Training layout per network (timed at a run's first "
                    + "step, batch and tile): 0 networks timed here before ("
                    + cache.resolve("network-layout.json") + ")");
        }
    }

    @Test
    void jsonCarriesTheDecision() throws Exception {
        CliRun r = CliRun.of("doctor", "--json", "--rounds", "1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = Json.MAPPER.readTree(r.out());
        assertThat(root.path("status").path("config").asText())
                .isEqualTo(EngineSetup.active().name());
        assertThat(root.path("fallback").asBoolean()).isEqualTo(EngineSetup.ensure().fallback());
        io.fadconv.engine.FmaPeak.of(EngineSetup.ensure().cpu(), Runtime.getRuntime()
                .availableProcessors()).ifPresent(p -> assertThat(root.path("fmaPeakGflops")
                        .asDouble()).isEqualTo(p.gflops()));
        assertThat(root.path("recheck").path("rounds").asInt()).isEqualTo(1);
        assertThat(root.path("compilers").path("yielding").asBoolean()).isTrue();
        assertThat(root.path("compilers").path("threads").asInt()).isPositive()
                .isGreaterThanOrEqualTo(root.path("compilers").path("lowered").asInt());
    }

    @Test
    void zeroRoundsIsAOneLineError() {
        CliRun r = CliRun.of("doctor", "--rounds", "0");
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).doesNotContain("\n").contains("--rounds must be at least 1");
    }

    /**
     * In a fresh cache no configuration is known wrong, so PyTorch's default and channels-last
     * are both checked and, both right here (as the engine tests require), raced; a second
     * {@code --race} times them again although a winner is now remembered.
     */
    @Test
    void raceTimesTheCorrectConfigurationsAgainAndRemembersTheWinner(@TempDir Path cache)
            throws Exception {
        SystemProperties cacheHere = new SystemProperties().set(CACHE_DIR, cache.toString());
        try (cacheHere) {
            CliRun first = CliRun.of("doctor", "--race");
            assertThat(first.code()).as(first.err()).isZero();
            org.junit.jupiter.api.Assumptions.assumeFalse(EngineSetup.ensure().fallback(),
                    "the default computes wrong convolutions on this CPU: no race ("
                    + EngineSetup.ensure().config() + " is the fallback)");
            for (int run = 1; run <= 2; run++) {
                CliRun r = run == 1 ? first : CliRun.of("doctor", "--race");
                assertThat(r.code()).as(r.err()).isZero();
                EngineStatus s = EngineSetup.ensure();
                assertThat(s.race()).as(r.out()).isNotNull();
                assertThat(s.race().how()).as("run " + run).isEqualTo("timed");
                assertThat(s.config()).isEqualTo(s.race().fastest());
                assertThat(r.out()).contains("Configuration in use: " + s.config().id()
                        + " (automatic: the faster of the correct ones here)")
                        .contains(s.config().id() + " (timed now")
                        .doesNotContain("remembered from an earlier run");
                assertRemembered(cache.resolve("engine-speed.json"), s, r.out());
            }
        }
    }

    /**
     * Verdicts are kept for good, so a configuration once found wrong (by an intermittent error,
     * or by a route broken on purpose) is skipped forever; {@code --recheck} forgets them and
     * checks again: the decision is the one a fresh cache gives, and only the configurations
     * found wrong again are remembered.
     */
    @Test
    void recheckForgetsTheVerdictsAndChecksAgain(@TempDir Path cache) throws Exception {
        EngineStatus before = EngineSetup.ensure();
        List<String> allButLast = EngineConfig.AUTOMATIC.subList(0,
                EngineConfig.AUTOMATIC.size() - 1).stream().map(EngineConfig::id).toList();
        var seeded = Json.MAPPER.createObjectNode();
        seeded.putObject(before.machineKey()).putPOJO("wrong", allButLast);
        java.nio.file.Files.writeString(cache.resolve("engine-verdicts.json"),
                Json.pretty(seeded));
        SystemProperties cacheHere = new SystemProperties().set(CACHE_DIR, cache.toString());
        try (cacheHere) {
            CliRun r = CliRun.of("doctor", "--recheck");
            assertThat(r.code()).as(r.err()).isZero();
            EngineStatus s = EngineSetup.ensure();
            assertThat(s.skipped()).as(r.out()).isEmpty();
            assertThat(r.out()).doesNotContain("not tried");
            assertThat(s.config()).as(r.out()).isEqualTo(before.config());
            JsonNode wrong = Json.MAPPER.readTree(cache.resolve("engine-verdicts.json").toFile())
                    .path(before.machineKey()).path("wrong");
            List<String> found = new java.util.ArrayList<>();
            wrong.forEach(n -> found.add(n.asText()));
            List<String> failedNow = s.checks().stream().filter(c -> !c.passed())
                    .map(c -> c.config().id()).toList();
            assertThat(found).as(r.out()).containsExactlyInAnyOrderElementsOf(failedNow)
                    .doesNotContain(s.config().id());
        }
    }

    @Test
    void retuneForgetsTheStrategiesTimedHere(@TempDir Path cache) throws Exception {
        SystemProperties here = new SystemProperties().set(CACHE_DIR, cache.toString())
                .set(ConvTuner.PROPERTY, "on");
        try (here; NDManager m = Djl.engine().newBaseManager()) {
            ConvTuner.clear();
            // a dynamic layer's first use of a geometry times it and remembers the choice
            DynamicConv2d.conv2d(m.ones(new Shape(2, 8, 6, 6)), m.ones(new Shape(2, 8, 8, 3, 3)),
                    null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1);
            int timed = ConvTuner.remembered().size();
            assertThat(timed).isPositive();

            CliRun r = CliRun.of("doctor", "--retune");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Forgot " + timed + " per-sample convolution strateg")
                    .contains("0 geometries timed here before");
            assertThat(ConvTuner.remembered()).isEmpty();
            CliRun again = CliRun.of("doctor", "--retune", "--json");
            assertThat(Json.MAPPER.readTree(again.out()).path("retuneForgot").asInt(-1)).isZero();
        } finally {
            ConvTuner.clear();
        }
    }

    @Test
    void raceAndRecheckTogetherIsAOneLineError() {
        CliRun r = CliRun.of("doctor", "--race", "--recheck");
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("--race and --recheck cannot be combined");
    }

    /** The winner and the times printed are the ones remembered for this machine. */
    private static void assertRemembered(Path speeds, EngineStatus s, String out)
            throws Exception {
        JsonNode file = Json.MAPPER.readTree(speeds.toFile());
        assertThat(file.size()).as(file.toString()).isEqualTo(1);
        JsonNode mine = file.elements().next();
        assertThat(mine.path("fastest").asText()).isEqualTo(s.config().id());
        for (String c : List.of("default", "channels-last")) {
            Matcher m = Pattern.compile(" " + c + " (\\d+) ms training, (\\d+) ms inference")
                    .matcher(out);
            assertThat(m.find()).as(c + " in " + out).isTrue();
            // printed whole, stored to 0.1 ms
            assertThat(Double.parseDouble(m.group(1))).isCloseTo(
                    mine.path("millis").path(c).asDouble(), within(0.56));
            assertThat(Double.parseDouble(m.group(2))).isCloseTo(
                    mine.path("inferenceMillis").path(c).asDouble(), within(0.56));
        }
    }
}
