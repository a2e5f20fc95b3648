package io.fadconv.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pair's attempt: an input error is reported at once, any other error is thrown where the
 * caller will retry and reported where it will not; either way the staging folder is gone and no
 * OUT/id/ appears.
 */
class PairRunnerTest {

    @TempDir static Path tmp;
    static BatchFixture fx;

    @BeforeAll
    static void fixture() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
    }

    static String[] names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new String[0];
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void errorsOtherThanBadInputAreThrownForARetryAndReportedOnTheLastAttempt() throws Exception {
        Path out = tmp.resolve("out");
        CnaJob job = fx.job(out);
        PairSpec a = fx.pairs.get(0);
        ProgressListener failing = (done, total, what) -> {
            if (what.equals("change map")) {
                throw new IllegalStateException("disk went away");
            }
        };
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions)) {
            assertThatThrownBy(() -> PairRunner.process(run, job, a, failing, true))
                    .hasMessage("disk went away");
            assertThat(names(out)).as("staging folder removed").isEmpty();
            PairResult last = PairRunner.process(run, job, a, failing, false);
            assertThat(last.status()).isEqualTo(PairResult.Status.FAILED);
            assertThat(last.error()).isEqualTo("disk went away");
            assertThat(names(out)).isEmpty();

            // Checked pairs only reach process (BatchCna checks them); bad input found while
            // mapping (corrupt tile data behind a valid header) is still an input error.
            PairResult bad = PairRunner.process(run, job, fx.corruptPair(),
                    ProgressListener.NONE, true);
            assertThat(bad.status()).as("bad input is not worth a retry")
                    .isEqualTo(PairResult.Status.FAILED);
            assertThat(bad.error()).contains("x_t2.tif");
            assertThat(names(out)).as("nothing of the corrupt pair is left").isEmpty();

            PairResult ok = PairRunner.process(run, job, a, ProgressListener.NONE, true);
            assertThat(ok.status()).isEqualTo(PairResult.Status.MAPPED);
            assertThat(names(out)).containsExactly("a");
            assertThat(names(out.resolve("a"))).containsExactly("change.png", "change.tif",
                    "statistics.csv", "statistics.json", "t1_classes.png", "t1_classes.tif",
                    "t2_classes.png", "t2_classes.tif");
            assertThat(PairRunner.completed(job, a, ok.statistics().codes())).isPresent();
            assertThat(PairRunner.completed(job, new PairSpec("a", a.before(), a.before(), "",
                    ""), ok.statistics().codes())).as("other scenes: not the same pair")
                    .isEmpty();
            CnaJob otherUnit = CnaJob.of(job.runDir(), out, 128, 32, 2, job.cnaOptions()
                    .withMinPatch(job.minPatch() + 1, PatchSieve.Connectivity.EIGHT));
            assertThat(PairRunner.completed(otherUnit, a, ok.statistics().codes()))
                    .as("another minimum mapping unit: mapped again").isEmpty();
            CnaJob otherRun = CnaJob.of(out, out, 128, 32, 2, job.cnaOptions());
            assertThat(PairRunner.completed(otherRun, a, ok.statistics().codes()))
                    .as("another trained run: mapped again").isEmpty();
        }
    }

    @Test
    void anAttemptDeletesWhatDeadAttemptsAtItsPairLeftAndNothingElse() throws Exception {
        Path out = tmp.resolve("leftovers");
        CnaJob job = fx.job(out);
        Path dead = Files.createDirectories(out.resolve(".a.partial"));
        Files.write(dead.resolve("t1_classes.tif"), new byte[] {1, 2, 3});
        Files.createDirectories(out.resolve(".a.old")); // killed while replacing a/
        Files.createDirectories(out.resolve(".b.partial"));
        assertThat(PairRunner.staging(out, "a")).isEqualTo(dead);
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions)) {
            PairResult r = PairRunner.process(run, job, fx.pairs.get(0), ProgressListener.NONE,
                    false);
            assertThat(r.status()).as(r.error()).isEqualTo(PairResult.Status.MAPPED);
        }
        assertThat(names(out)).as("b's staging folder is b's attempt's to delete")
                .containsExactly(".b.partial", "a");
        assertThat(names(out.resolve("a"))).contains("t1_classes.tif", "statistics.json");
    }
}
