package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.fadconv.testing.SystemProperties;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where facts learned about the machine are kept. The tests must never write the user's own
 * files: a route broken on purpose in a test run once marked {@code channels-last-guarded} wrong
 * in {@code ~/.djl.ai}, and every later run on that machine fell back to {@code onednn-off}.
 */
class MachineFileTest {

    @Test
    void theTestsKeepTheirsInTheBuild() {
        String dir = System.getenv("FADCONV_ENGINE_CACHE_DIR");
        assertThat(dir).as("the parent pom's surefire sets FADCONV_ENGINE_CACHE_DIR").isNotNull();
        Path file = MachineFile.open("engine-verdicts", "key").path();
        assertThat(file).isEqualTo(Path.of(dir, "engine-verdicts.json"));
        assertThat(file.toAbsolutePath().toString()).contains("target")
                .doesNotContain(".djl.ai");
    }

    @Test
    void clearingForgetsThisMachinesEntriesOnly(@TempDir Path dir) {
        try (SystemProperties p = new SystemProperties().set("fadconv.engine.cache.dir",
                dir.toString())) {
            MachineFile mine = MachineFile.open("facts", "this machine");
            MachineFile other = MachineFile.open("facts", "another machine");
            mine.put("a", TextNode.valueOf("1"));
            mine.put("b", TextNode.valueOf("2"));
            other.put("a", TextNode.valueOf("3"));

            assertThat(mine.clear()).isEqualTo(2);

            assertThat(MachineFile.texts(mine)).isEmpty();
            assertThat(MachineFile.texts(other)).containsExactly(Map.entry("a", "3"));
            assertThat(mine.clear()).isZero();
        }
    }

    @Test
    void aPropertyOverridesTheEnvironment() {
        try (SystemProperties p = new SystemProperties().set("fadconv.engine.cache.dir",
                "/tmp/elsewhere")) {
            assertThat(MachineFile.open("engine-speed", "key").path())
                    .isEqualTo(Path.of("/tmp/elsewhere", "engine-speed.json"));
        }
    }
}
