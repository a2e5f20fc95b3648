package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.EngineStatus;
import io.fadconv.util.Json;
import org.junit.jupiter.api.Test;

/** {@code fadconv doctor}: what it prints, its JSON, its errors, and racing again. */
class DoctorCommandTest {

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
    }

    @Test
    void jsonCarriesTheDecision() throws Exception {
        CliRun r = CliRun.of("doctor", "--json", "--rounds", "1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = Json.MAPPER.readTree(r.out());
        assertThat(root.path("status").path("config").asText())
                .isEqualTo(EngineSetup.active().name());
        assertThat(root.path("fallback").asBoolean()).isFalse();
        assertThat(root.path("recheck").path("rounds").asInt()).isEqualTo(1);
    }

    @Test
    void zeroRoundsIsAOneLineError() {
        CliRun r = CliRun.of("doctor", "--rounds", "0");
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).doesNotContain("\n").contains("--rounds must be at least 1");
    }

    @Test
    void raceTimesTheCorrectConfigurationsAgainAndUsesTheWinner() {
        CliRun r = CliRun.of("doctor", "--race");
        assertThat(r.code()).as(r.err()).isZero();
        EngineStatus s = EngineSetup.ensure();
        assertThat(r.out()).contains("Configuration in use: " + s.config().id());
        if (s.race() != null) { // two or more configurations are right here
            assertThat(s.race().how()).isEqualTo("timed");
            assertThat(r.out()).contains("timed now")
                    .contains(s.race().fastest().id() + " (timed now");
            assertThat(s.config()).isEqualTo(s.race().fastest());
        } else {
            assertThat(r.out()).doesNotContain("speed race");
        }
    }
}
