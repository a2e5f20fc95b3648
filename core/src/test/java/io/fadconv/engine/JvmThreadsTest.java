package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JVM's compiler threads: found by name, and given the lowest priority and SCHED_IDLE. */
class JvmThreadsTest {

    @Test
    void compilerThreadsAreFoundByTheNamesHotSpotAndGraalGiveThem() {
        assertThat(JvmThreads.isCompiler("C2 CompilerThre")).isTrue();
        assertThat(JvmThreads.isCompiler("C1 CompilerThre")).isTrue();
        assertThat(JvmThreads.isCompiler("JVMCI CompilerT")).isTrue();
        assertThat(JvmThreads.isCompiler("GC Thread#0")).as("collectors keep their priority")
                .isFalse();
        assertThat(JvmThreads.isCompiler("G1 Conc#0")).isFalse();
        assertThat(JvmThreads.isCompiler("java")).as("the main thread").isFalse();
        assertThat(JvmThreads.isCompiler("Thread-3")).isFalse();
    }

    @Test
    void theCompilerThreadsOfThisJvmRunAtTheLowestPriorityAndNoOtherThreadDoes() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        assumeTrue(JvmThreads.yielding(), "not under -Dfadconv.compilers=share");
        List<Integer> compilers = JvmThreads.compilerThreads();
        assertThat(compilers).as("HotSpot's compiler threads").isNotEmpty();
        assertThat(JvmThreads.yieldCompilers()).isPositive();
        for (int tid : compilers) {
            // HotSpot may end an idle compiler thread meanwhile (nice then cannot be read)
            assertThat(JvmThreads.nice(tid)).as("compiler thread %d", tid)
                    .isIn(JvmThreads.NICE, Integer.MIN_VALUE);
            assertThat(JvmThreads.policy(tid)).as("compiler thread %d", tid)
                    .isIn(JvmThreads.SCHED_IDLE, Integer.MIN_VALUE);
        }
        assertThat(JvmThreads.compilers().lowered()).as("as doctor shows it").isPositive();
        int self = (int) ProcessHandle.current().pid(); // the main thread's id is the pid
        assertThat(JvmThreads.nice(self)).as("the main thread").isLessThan(JvmThreads.NICE);
        assertThat(JvmThreads.policy(self)).as("the main thread: SCHED_OTHER").isZero();
    }
}
