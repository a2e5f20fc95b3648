package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The allocator settings that keep freed tensors in the process: recognised in
 * {@code GLIBC_TUNABLES} only when every one holds, and set the same way by the launcher and the
 * test runs (this JVM was started by surefire with the pom's environment).
 */
class NativeMemoryTest {

    @Test
    void everySettingMustHoldAndTheLastEntryForANameWins() {
        assertThat(NativeMemory.keptBy(null)).isFalse();
        assertThat(NativeMemory.keptBy("")).isFalse();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES)).isTrue();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES + ":glibc.malloc.tcache_count=0"))
                .as("the user's own tunables after ours").isTrue();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES + ":glibc.malloc.mmap_max=65536"))
                .as("a later entry overrides ours").isFalse();
        assertThat(NativeMemory.keptBy("glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0"))
                .as("trimming still on").isFalse();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES.replace("arena_max=1",
                "arena_max=16"))).isFalse();
    }

    @Test
    void theLauncherAndTheTestRunsStartTheJvmWithTheSettings() throws Exception {
        assertThat(NativeMemory.kept()).as("surefire's environment (pom.xml)").isTrue();
        Path launcher = Path.of("..", "fadconv");
        assertThat(Files.readString(launcher)).as("the fadconv launcher")
                .contains("export GLIBC_TUNABLES=\"" + NativeMemory.TUNABLES + "${GLIBC_TUNABLES:+:");
    }

    @Test
    void theCostIsMeasuredInThisProcess() {
        NativeMemory.Cost c = NativeMemory.measure();
        assertThat(c.kept()).isTrue();
        assertThat(c.freshMillis()).isPositive().isFinite();
        assertThat(c.reusedMillis()).isPositive().isFinite();
    }
}
