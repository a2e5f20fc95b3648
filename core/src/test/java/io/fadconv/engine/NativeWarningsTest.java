package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * libtorch's C++ warnings reach stderr below the JVM, so only a child process shows them. Writing
 * into a parameter (what every {@code train --resume} does) makes libtorch warn that
 * {@code AutoNonVariableTypeMode is deprecated}: hidden by default, shown when the user asks for
 * warnings with {@code TORCH_CPP_LOG_LEVEL=WARNING} (which proves the test can see them).
 */
class NativeWarningsTest {

    /** The child: sets up the engine as a user's program would, then writes a parameter. */
    public static void main(String[] args) {
        Djl.engine();
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray p = m.ones(new Shape(2, 3));
            p.setRequiresGradient(true);
            p.set(m.zeros(new Shape(2, 3)).toByteBuffer());
            System.out.println("sum " + p.sum().getFloat());
        }
    }

    @Test
    void libtorchWarningsAreHiddenUnlessAskedFor() throws Exception {
        String quiet = child(null);
        assertThat(quiet).contains("sum 0.0").doesNotContain("AutoNonVariableTypeMode")
                .doesNotContain("NNPACK");
        String loud = child("WARNING");
        assertThat(loud).contains("sum 0.0").contains("AutoNonVariableTypeMode is deprecated");
    }

    private static String child(String logLevel) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"), NativeWarningsTest.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        if (logLevel != null) {
            pb.environment().put("TORCH_CPP_LOG_LEVEL", logLevel);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
