package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.JvmThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner lowers the JVM's compiler threads before it times ({@link JvmThreads}). A thread's
 * priority cannot be raised again, so only a fresh process shows the change: the child tunes one
 * geometry with nothing remembered and prints the compilers' nice values before and after.
 */
class ConvTunerCompilersTest {

    /** The child: the engine, then one timed decision. */
    public static void main(String[] args) {
        Djl.engine();
        System.out.println("before " + nices());
        Shape one = new Shape(1, 1);
        ConvTuner.strategy(new ConvProblem(new Shape(2, 8, 8, 8), new Shape(8, 8, 3, 3), one,
                one, one, 1, 4, false));
        ConvTuner.describe().forEach(System.out::println);
        System.out.println("after " + nices());
    }

    private static String nices() {
        return JvmThreads.compilerThreads().stream().map(t -> "" + JvmThreads.nice(t))
                .collect(Collectors.joining(","));
    }

    @Test
    void theCompilersGiveWayOnceTheTunerTimesUnlessTheUserKeepsThemBeside(@TempDir Path cache)
            throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        String yielding = child(cache.resolve("a"), null);
        assertThat(yielding).as(yielding).contains(" timed ").containsPattern("before 0(,0)*\n")
                .containsPattern("after 19(,19)*\n");
        String sharing = child(cache.resolve("b"), "share");
        assertThat(sharing).as(sharing).contains(" timed ").containsPattern("after 0(,0)*\n");
    }

    private static String child(Path cache, String compilers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-Dfadconv.engine.race=off", "-Dfadconv.engine.cache.dir=" + cache,
                // every compiler thread from the start: none appears after the tuner's call
                "-XX:-UseDynamicNumberOfCompilerThreads"));
        if (compilers != null) {
            cmd.add("-D" + JvmThreads.PROPERTY + "=" + compilers);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                ConvTunerCompilersTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
