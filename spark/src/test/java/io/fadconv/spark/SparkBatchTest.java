package io.fadconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.engine.NativeMemory;
import io.fadconv.infer.CnaFiles;
import io.fadconv.workflow.BatchCna;
import io.fadconv.workflow.BatchFixture;
import io.fadconv.workflow.BatchListener;
import io.fadconv.workflow.BatchSummary;
import io.fadconv.workflow.LocalBatchEngine;
import io.fadconv.workflow.PairResult;
import io.fadconv.workflow.PairRunner;
import io.fadconv.workflow.PairSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch on real Spark in local mode, against the single-machine job as the reference: three
 * pairs, one with corrupt tile data that fails on the executor.
 */
class SparkBatchTest {

    @TempDir static Path tmp;
    static BatchFixture fx;
    static List<PairSpec> pairs;
    static Path reference;
    static BatchSummary local;

    @BeforeAll
    static void singleMachineReference() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
        pairs = List.of(fx.pairs.get(0), fx.pairs.get(1), fx.corruptPair());
        reference = tmp.resolve("local");
        local = BatchCna.run(fx.job(reference), pairs, false, new LocalBatchEngine(),
                BatchListener.NONE);
        assertThat(local.failed()).extracting(r -> r.pair().id())
                .containsExactly(BatchFixture.CORRUPT);
    }

    static void assertSameAsTheSingleMachineJob(Path out, BatchSummary spark) throws Exception {
        for (String id : List.of("a", "b")) {
            CnaFiles s = new CnaFiles(out.resolve(id));
            CnaFiles l = new CnaFiles(reference.resolve(id));
            for (Path[] f : new Path[][] {{s.change(), l.change()},
                    {s.beforeClasses(), l.beforeClasses()}, {s.afterClasses(), l.afterClasses()},
                    {s.statisticsCsv(), l.statisticsCsv()}}) {
                assertThat(Files.readAllBytes(f[0])).as(id + " " + f[0].getFileName())
                        .isEqualTo(Files.readAllBytes(f[1]));
            }
            assertThat(s.overlay()).isRegularFile();
        }
        assertThat(Files.readString(out.resolve(BatchSummary.CSV)))
                .isEqualTo(Files.readString(reference.resolve(BatchSummary.CSV)));
        // pixel totals are in the CSV compared above; hectares as doubles, not as printed
        for (String q : spark.quantities()) {
            assertThat(spark.total().hectares(q)).as(q).isEqualTo(local.total().hectares(q));
        }
        assertThat(spark.total().metrics()).isEqualTo(local.total().metrics());
        PairResult bad = spark.failed().get(0);
        assertThat(spark.failed()).hasSize(1);
        assertThat(bad.pair().id()).isEqualTo(BatchFixture.CORRUPT);
        assertThat(bad.error()).isEqualTo(local.failed().get(0).error()).doesNotContain("\n");
        assertThat(out.resolve(BatchFixture.CORRUPT)).doesNotExist();
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("nothing half-written").containsExactly("a", "b", BatchSummary.CSV,
                            BatchSummary.JSON);
        }
        assertThat(ExecutorRuns.opened()).as("the executor JVM opened the run once").isEqualTo(1);
    }

    @Test
    void localTwoGivesTheSingleMachineJobsFilesAndSummary() throws Exception {
        Path out = tmp.resolve("spark");
        int[] progress = new int[1];
        PairTask.Hook executorConf = (pair, attempt, what) -> EXECUTOR_MEMORY_ENV.set(
                org.apache.spark.SparkEnv.get().conf().get("spark.executorEnv."
                        + NativeMemory.VARIABLE, "unset"));
        BatchSummary spark = BatchCna.run(fx.job(out), pairs, false,
                new SparkBatchEngine("local[2]", executorConf), new BatchListener() {
                    @Override
                    public void progress(long done, long total, int pairsDone, int n) {
                        progress[0] = pairsDone;
                    }
                });
        assertSameAsTheSingleMachineJob(out, spark);
        assertThat(progress[0]).isEqualTo(3);
        assertThat(EXECUTOR_MEMORY_ENV.get()).as("executors start with the launcher's allocator "
                + "settings").isEqualTo(NativeMemory.TUNABLES);
    }

    static final java.util.concurrent.atomic.AtomicReference<String> EXECUTOR_MEMORY_ENV =
            new java.util.concurrent.atomic.AtomicReference<>();

    static final AtomicInteger FAILED_ATTEMPTS = new AtomicInteger();
    static final AtomicInteger HALF_WRITTEN_FILES = new AtomicInteger();

    /** What a dying executor does: stops in the middle of a pair without cleaning up. */
    static final class ExecutorDied extends Error {
        private static final long serialVersionUID = 1L;

        ExecutorDied() {
            super("simulated executor death in the middle of a pair");
        }
    }

    @Test
    void aTaskThatDiesMidPairIsRetriedAndLeavesNothingHalfWritten() throws Exception {
        Path out = tmp.resolve("spark-retry");
        String outDir = out.toString();
        PairTask.Hook dieOnce = (pair, attempt, what) -> {
            if (pair.equals("b") && attempt == 0 && what.equals("change map")) {
                try (Stream<Path> s = Files.walk(PairRunner.staging(Path.of(outDir), "b"))) {
                    HALF_WRITTEN_FILES.set((int) s.filter(Files::isRegularFile).count());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                FAILED_ATTEMPTS.incrementAndGet();
                throw new ExecutorDied();
            }
        };
        BatchSummary spark = BatchCna.run(fx.job(out), pairs, false,
                new SparkBatchEngine("local[2,2]", dieOnce), BatchListener.NONE);
        assertThat(FAILED_ATTEMPTS.get()).as("b's first attempt died").isEqualTo(1);
        assertThat(HALF_WRITTEN_FILES.get()).as("when it died, b's staging folder held its class "
                + "maps").isGreaterThanOrEqualTo(2);
        assertSameAsTheSingleMachineJob(out, spark);
    }
}
