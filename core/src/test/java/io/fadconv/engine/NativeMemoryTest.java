package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allocator settings that keep freed tensors in the process: recognised in
 * {@code GLIBC_TUNABLES} only when every one holds, and set the same way by the launcher and the
 * test runs (this JVM was started by surefire with the pom's environment).
 */
class NativeMemoryTest {

    private static final Path LAUNCHER = Path.of("..", "fadconv");

    @Test
    void everySettingMustHoldAndTheLastEntryForANameWins() {
        assertThat(NativeMemory.keptBy(null)).isFalse();
        assertThat(NativeMemory.keptBy("")).isFalse();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES)).isTrue();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES + ":glibc.malloc.top_pad=1048576"))
                .as("the user's own tunables after ours").isTrue();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES + ":glibc.malloc.tcache_count=7"))
                .as("small-block caches back on").isFalse();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES + ":glibc.malloc.mmap_max=65536"))
                .as("a later entry overrides ours").isFalse();
        assertThat(NativeMemory.keptBy("glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0"))
                .as("trimming still on").isFalse();
        assertThat(NativeMemory.keptBy(NativeMemory.TUNABLES.replace("arena_max=1",
                "arena_max=16"))).isFalse();
    }

    @Test
    void timingsLearnedHereAreKeyedByTheSettingsTheyWereTakenUnder() {
        // surefire's environment holds the settings (pom.xml): a change of them times afresh
        assertThat(NativeMemory.timingKey()).isEqualTo(" memory=kept " + NativeMemory.TUNABLES);
    }

    @Test
    void theLauncherAndTheTestRunsStartTheJvmWithTheSettings() throws Exception {
        assertThat(NativeMemory.kept()).as("surefire's environment (pom.xml)").isTrue();
        assertThat(Files.readString(LAUNCHER)).as("the fadconv launcher")
                .contains("export GLIBC_TUNABLES=\"" + NativeMemory.TUNABLES + "${GLIBC_TUNABLES:+:");
    }

    /**
     * The launcher itself, run by bash in a copy of the project root whose jar is up to date (so
     * nothing is built) and with a {@code java} on the path that prints the environment it was
     * started with.
     */
    @Test
    void theLauncherSetsTheSettingsUnlessFadconvMallocIsSystem(@TempDir Path root)
            throws Exception {
        Files.copy(LAUNCHER, root.resolve("fadconv"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.writeString(root.resolve("cli/target/fadconv-cli.jar"), "");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\n"
                + "echo \"GLIBC_TUNABLES=${GLIBC_TUNABLES-(unset)}\"\necho \"args=$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        String user = "glibc.malloc.top_pad=1048576";
        assertThat(launch(root, null, null)).containsExactly(
                "GLIBC_TUNABLES=" + NativeMemory.TUNABLES,
                "args=-Xmx12g -Dai.djl.offline=true -jar " + root.resolve("cli/target/"
                        + "fadconv-cli.jar") + " doctor");
        assertThat(launch(root, null, user)).as("the user's own tunables kept after ours")
                .startsWith("GLIBC_TUNABLES=" + NativeMemory.TUNABLES + ":" + user);
        assertThat(launch(root, "keep", null)).as("any other value keeps the settings")
                .startsWith("GLIBC_TUNABLES=" + NativeMemory.TUNABLES);
        assertThat(launch(root, "system", null)).as("FADCONV_MALLOC=system opts out")
                .startsWith("GLIBC_TUNABLES=(unset)");
        assertThat(launch(root, "system", user)).as("... and leaves the user's own alone")
                .startsWith("GLIBC_TUNABLES=" + user);
    }

    /** Runs {@code bash fadconv doctor}; null leaves a variable unset. */
    private static List<String> launch(Path root, String malloc, String tunables)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("fadconv").toString(),
                "doctor").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", root.resolve("bin") + ":" + env.get("PATH"));
        env.remove("FADCONV_JAVA_OPTS");
        env.remove("FADCONV_MALLOC");
        env.remove(NativeMemory.VARIABLE);
        if (malloc != null) {
            env.put("FADCONV_MALLOC", malloc);
        }
        if (tunables != null) {
            env.put(NativeMemory.VARIABLE, tunables);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().toList();
    }

    /**
     * The point of the small-block caches being off: a tensor freed and allocated again at the same
     * size lands in memory the process holds, not in fresh pages. With the caches on, 10 of 12
     * copies of a 75 MB tensor faulted every page in on the AMD EPYC; with them off, none did.
     */
    @Test
    void aFreedTensorsMemoryServesTheNextTensorOfItsSize() throws Exception {
        ai.djl.engine.Engine.getEngine(EngineSetup.ENGINE);
        long bytes = 32L << 20;
        long pages = bytes / 4096;
        int reused = 0;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray source = m.ones(new ai.djl.ndarray.types.Shape(bytes / 4));
            for (int i = 0; i < 10; i++) {
                long before = NativeMemory.minorFaults();
                try (ai.djl.ndarray.NDArray copy = source.duplicate()) {
                    assertThat(copy.getFloat(bytes / 4 - 1)).isEqualTo(1f);
                }
                // the first copy grows the heap; later ones should find the freed block
                reused += i > 0 && NativeMemory.minorFaults() - before < pages / 10 ? 1 : 0;
            }
        }
        assertThat(reused).as("copies of 9 after the first that faulted under a tenth of their "
                + pages + " pages").isGreaterThanOrEqualTo(7);
    }

    @Test
    void theCostIsMeasuredInMillisecondsOf64MbTensors() {
        NativeMemory.Cost c = NativeMemory.measure();
        assertThat(c.kept()).isEqualTo(NativeMemory.keptBy(System.getenv(NativeMemory.VARIABLE)))
                .isTrue();
        // Both write 64 MB: no machine this runs on moves that in less than 0.3 ms (over
        // 200 GB/s), and a second is far beyond the 3-30 ms measured (docs: 27 ms fresh, 3 ms
        // held), so seconds, microseconds or a smaller probe would fall outside.
        double floor = 64.0 * (1 << 20) / 200e9 * 1e3;
        assertThat(c.freshMillis()).isBetween(floor, 1000.0);
        assertThat(c.reusedMillis()).isBetween(floor, 1000.0);
    }
}
