package io.fadconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.cli.Main;
import io.fadconv.infer.CnaFiles;
import io.fadconv.workflow.BatchCna;
import io.fadconv.workflow.BatchFixture;
import io.fadconv.workflow.BatchListener;
import io.fadconv.workflow.BatchSummary;
import io.fadconv.workflow.LocalBatchEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README: {@code fadconv cna ... --spark submit} takes the master and all settings from
 * spark-submit. Run here by Spark's own {@code SparkSubmit} in a JVM of its own, in local mode,
 * as the README's command runs it ({@code --class io.fadconv.cli.Main}; the test class path
 * stands in for the job jar), and refused with one line in a JVM spark-submit did not start.
 */
class SparkSubmitTest {

    @TempDir static Path tmp;
    static BatchFixture fx;
    static Path csv;

    @BeforeAll
    static void fixture() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
        csv = Files.writeString(tmp.resolve("good.csv"), """
                id,before,after,region,truth
                a,fixture/scenes/a_t1.tif,fixture/scenes/a_t2.tif,north,fixture/scenes/a_truth.tif
                b,fixture/scenes/b_t1.tif,fixture/scenes/b_t2.tif,north,
                """);
    }

    private static List<String> cna(Path out) {
        return List.of("cna", "--run", fx.run.toString(), "--pairs", csv.toString(), "--out",
                out.toString(), "--window", "128", "--margin", "32", "--batch", "2", "--mmu", "4",
                "--spark", "submit");
    }

    @Test
    void outsideSparkSubmitItIsOneLineAndNothingIsLeft() {
        String master = System.clearProperty("spark.master");
        try {
            Path out = tmp.resolve("not-submitted");
            StringWriter err = new StringWriter();
            int code = Main.execute(cna(out).toArray(String[]::new),
                    new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("fadconv: error: --spark submit takes the "
                    + "master from spark-submit, but this JVM was not started by spark-submit; "
                    + "give a master such as local[2]" + System.lineSeparator());
            assertThat(out).doesNotExist();
        } finally {
            if (master != null) {
                System.setProperty("spark.master", master);
            }
        }
    }

    @Test
    void sparkSubmitRunsTheCommandLineWithItsMaster() throws Exception {
        Path reference = tmp.resolve("local");
        BatchCna.run(fx.job(reference), fx.pairs.subList(0, 2), false, new LocalBatchEngine(),
                BatchListener.NONE);
        Path out = tmp.resolve("submitted");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
                "bin", "java").toString(), "-Xmx2g", "-Dai.djl.offline=true"));
        command.addAll(List.of(javaOptions().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--class",
                "io.fadconv.cli.Main", "--conf", "spark.ui.enabled=false", "spark-internal"));
        command.addAll(cna(out));
        Path log = tmp.resolve("spark-submit.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String said = Files.readString(log);
        assertThat(ended).as(said).isTrue();
        assertThat(p.exitValue()).as(said).isZero();
        assertThat(said).contains("2 pair(s), run " + fx.run + ", on Spark submit")
                .contains("2 mapped, 0 reused, 0 failed");
        for (String id : List.of("a", "b")) {
            assertThat(Files.readAllBytes(new CnaFiles(out.resolve(id)).change())).as(id)
                    .isEqualTo(Files.readAllBytes(new CnaFiles(reference.resolve(id)).change()));
        }
        assertThat(Files.readString(out.resolve(BatchSummary.CSV)))
                .isEqualTo(Files.readString(reference.resolve(BatchSummary.CSV)));
    }

    /** The JVM options Spark needs on Java 17, as the launcher reads them. */
    private static String javaOptions() throws Exception {
        try (var in = SparkBatchEngine.class.getResourceAsStream("java-options.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
