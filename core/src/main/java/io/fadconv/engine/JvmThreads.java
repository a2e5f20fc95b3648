package io.fadconv.engine;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's just-in-time compiler threads, which share the machine's cores with the engine's.
 * A convolution runs on every core, and its threads meet at each step of the work, so while a
 * compiler thread holds one core the whole operation waits for it. In a process's first seconds,
 * when the compilers are busiest, that decided the tuner's timings: on an AMD EPYC with two
 * cores, forwards of 10-15 ms took 30-180 ms while the C2 compiler ran 17-176 ms beside them, and
 * the tuner's choices for resnet18-unet cost 32-46 ms per training step more than the best
 * choice per geometry (means of eight fresh tunings, seven batches).
 *
 * <p>{@link #yieldCompilers} gives them the lowest priority ({@link #NICE}) and Linux's
 * {@link #SCHED_IDLE} policy, so that they run when a core is free rather than beside the
 * engine. The priority alone brought the choices to 5-19 ms per training step over the best
 * (four batches of eight fresh tunings, each alternated with eight of the build before, AMD EPYC
 * Zen 4), but on an AMD EPYC Zen 5 under Linux 6.18 a compiler thread at nice 19 still ran 60 ms
 * of a 67 ms forward (an engine thread that wakes waits for the running thread's slice), and the
 * quarter-width network's first geometry chose per-sample, twice as slow as grouped, in three of
 * eight fresh tunings and five of six in another batch; under {@code SCHED_IDLE}, which any
 * waking thread preempts, in none of eight and six (BENCHMARKS.md). Compilation is only
 * delayed. The tuner and the layout races do it before they time, so a process that times
 * nothing keeps its compilers as they were. Linux does not let an unprivileged thread raise its
 * priority again (nor leave {@code SCHED_IDLE} at nice 19), so Java work that keeps every core busy
 * afterwards compiles later: writing four synthetic scenes on two threads took 5.4-9.2 s after
 * it against 3.7-3.8 s (the workflows here write their data before a network runs, except the
 * quickstart's unseen pair: one scene, one thread). Garbage-collector threads keep their
 * priority: Java threads wait for them at every collection.
 *
 * <p>Linux only (threads are {@code /proc/self/task}; {@code setpriority} and
 * {@code sched_setscheduler} take a thread id);
 * elsewhere nothing changes. {@code -D}{@value #PROPERTY}{@code =share} keeps the compilers at
 * the engine's priority.
 */
public final class JvmThreads {

    /** {@code share} keeps the compiler threads at normal priority; anything else lowers them. */
    public static final String PROPERTY = "fadconv.compilers";

    /** The nice value the compiler threads get: the lowest priority. */
    public static final int NICE = 19;

    private static final Logger LOG = LoggerFactory.getLogger(JvmThreads.class);
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final int PRIO_PROCESS = 0;

    /** Linux's scheduling policy for work that runs only on a core nothing else wants. */
    public static final int SCHED_IDLE = 5;

    private JvmThreads() {}

    /**
     * Whether the compiler threads are to run at {@link #NICE}.
     *
     * @return false under {@code -Dfadconv.compilers=share}
     */
    public static boolean yielding() {
        return !"share".equalsIgnoreCase(System.getProperty(PROPERTY, "yield"));
    }

    /**
     * Lowers the compiler threads running now that were not lowered yet (the
     * JVM may start more later; callers repeat this where timing matters). Cheap: one look at
     * the process's threads and at each compiler thread's priority.
     *
     * @return how many compiler threads run at {@link #NICE} now
     */
    public static int yieldCompilers() {
        if (!yielding()) {
            return 0;
        }
        int lowered = 0;
        for (int tid : compilerThreads()) {
            if (isLowered(tid) || lower(tid)) {
                lowered++;
            }
        }
        return lowered;
    }

    /**
     * Where the compiler threads stand, as {@code fadconv doctor} shows it.
     *
     * @param yielding whether they are to run at {@link #NICE} ({@link #yielding})
     * @param threads compiler threads running now
     * @param lowered how many of them run at {@link #NICE}
     */
    public record Compilers(boolean yielding, int threads, int lowered) {}

    /**
     * The compiler threads now (the tuner lowers them when it first times candidates).
     *
     * @return their state
     */
    public static Compilers compilers() {
        List<Integer> threads = compilerThreads();
        int lowered = (int) threads.stream().filter(JvmThreads::isLowered).count();
        return new Compilers(yielding(), threads.size(), lowered);
    }

    /**
     * The ids of the JVM's compiler threads running now.
     *
     * @return thread ids, empty off Linux
     */
    public static List<Integer> compilerThreads() {
        List<Integer> found = new ArrayList<>();
        if (!Files.isDirectory(TASKS)) {
            return found;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    if (isCompiler(Files.readString(task.resolve("comm")).trim())) {
                        found.add(Integer.parseInt(task.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }

    /**
     * A thread's nice value, as Linux reports it.
     *
     * @param tid the thread id
     * @return the nice value, or {@link Integer#MIN_VALUE} when it cannot be read
     */
    public static int nice(int tid) {
        return statField(tid, 19);
    }

    /**
     * A thread's scheduling policy, as Linux reports it.
     *
     * @param tid the thread id
     * @return the policy ({@link #SCHED_IDLE} for a lowered compiler thread), or
     *     {@link Integer#MIN_VALUE} when it cannot be read
     */
    public static int policy(int tid) {
        return statField(tid, 41);
    }

    /** Whether a thread runs at {@link #NICE} under {@link #SCHED_IDLE}. */
    private static boolean isLowered(int tid) {
        return nice(tid) == NICE && policy(tid) == SCHED_IDLE;
    }

    /** A numeric field of {@code /proc/self/task/<tid>/stat}, numbered as proc(5) numbers it. */
    private static int statField(int tid, int field) {
        try {
            String stat = Files.readString(TASKS.resolve(Integer.toString(tid)).resolve("stat"));
            // fields after the name, which ends with the last ')': state is field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[field - 3]);
        } catch (IOException | RuntimeException e) {
            return Integer.MIN_VALUE;
        }
    }

    /**
     * Whether a thread, by its name as Linux keeps it (15 characters), is one of the JVM's
     * compilers: HotSpot's {@code C1 CompilerThread0} and {@code C2 CompilerThread0}, Graal's
     * {@code JVMCI CompilerThread0}.
     *
     * @param comm the name in {@code /proc/self/task/<tid>/comm}
     * @return true for a compiler thread
     */
    static boolean isCompiler(String comm) {
        return comm.contains("CompilerT");
    }

    private static boolean lower(int tid) {
        try {
            NativeLibrary c = NativeLibrary.getInstance("c");
            Function setpriority = c.getFunction("setpriority");
            Function setscheduler = c.getFunction("sched_setscheduler");
            try (Memory param = new Memory(Integer.BYTES)) {
                param.setInt(0, 0); // sched_priority: 0, the only value SCHED_IDLE takes
                return setpriority.invokeInt(new Object[] {PRIO_PROCESS, tid, NICE}) == 0
                        && setscheduler.invokeInt(new Object[] {tid, SCHED_IDLE, param}) == 0;
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            LOG.debug("cannot lower the priority of compiler thread {}", tid, e);
        }
        return false;
    }
}
