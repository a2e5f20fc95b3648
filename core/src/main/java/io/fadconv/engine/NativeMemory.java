package io.fadconv.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How the process's C allocator treats the tensors PyTorch frees. PyTorch's CPU tensors come
 * from {@code malloc}, and a training or inference step allocates every activation and gradient
 * afresh. glibc gives blocks above 32 MB (and, with several threads, blocks of other arenas) back
 * to the operating system on {@code free}, so the next step faults every page in again and the
 * kernel zeroes it. On the AMD EPYC VM this was measured on, a fresh 64 MB tensor cost 27 ms
 * against 3 ms for a pass over a kept one, and a resnet18-unet training step (256 x 256, batch
 * 8) spent a quarter of its time in page faults (11-12 million per benchmark run).
 *
 * <p>{@link #TUNABLES}, set in {@code GLIBC_TUNABLES} before the JVM starts (the {@code fadconv}
 * launcher, the test runs, Spark's executors do), keeps freed memory in one arena for the next
 * step: no {@code mmap} per block, no trimming. The process keeps its peak size instead of
 * shrinking between steps.
 *
 * <p>It also turns off glibc's caches of small blocks (tcache and fastbins), so that a freed large
 * block can be used again for the next one of its size. PyTorch asks for 64-byte aligned memory
 * ({@code posix_memalign}); glibc serves it by taking a block a little larger than asked and
 * freeing the slivers before and after it, which those caches then hold without merging them
 * back. When the tensor is freed its block is exactly the size it was, a few bytes short of what
 * the next aligned request of that size takes, so the heap grows into fresh pages instead: on
 * the AMD EPYC, copying a 75 MB tensor faulted all of its 19,200 pages in 10 of 12 repeats
 * (18-20 ms) with the caches on, and in none (5 ms) with them off.
 *
 * <p>(glibc's {@code hugetlb=1} was measured too: fewer faults, but growing the heap cost about
 * 100 ms per 64 MB on the same VM, so it is not set.) glibc reads the
 * variable only at start-up ({@code mallopt} later does not move threads off their arenas, which
 * was tried), so a process started without it cannot turn it on; {@code fadconv doctor} says
 * which case holds and measures the difference.
 */
public final class NativeMemory {

    /** The glibc tunables that keep freed memory in the process. */
    public static final String TUNABLES = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0"
            + ":glibc.malloc.trim_threshold=68719476736:glibc.malloc.tcache_count=0"
            + ":glibc.malloc.mxfast=0";

    /** The variable glibc reads its tunables from. */
    public static final String VARIABLE = "GLIBC_TUNABLES";

    private static final long PROBE_FLOATS = 16L << 20;

    /**
     * What memory the process does not hold yet costs against memory it holds, measured here.
     *
     * @param kept whether {@link #TUNABLES} are in effect
     * @param freshMillis milliseconds to allocate and zero a 64 MB tensor in new memory (what a
     *     step pays again for every block given back to the system)
     * @param reusedMillis milliseconds for one pass over a 64 MB tensor already held
     */
    public record Cost(boolean kept, double freshMillis, double reusedMillis) {}

    private NativeMemory() {}

    /**
     * Minor page faults of this process so far: the pages it touched for the first time (or again
     * after giving them back), each one zeroed by the kernel.
     *
     * @return the count from {@code /proc/self/stat}, or -1 where that cannot be read
     */
    public static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Whether this process started with the tunables that keep freed memory.
     *
     * @return true when {@code GLIBC_TUNABLES} holds every one of {@link #TUNABLES}
     */
    public static boolean kept() {
        return keptBy(System.getenv(VARIABLE));
    }

    /**
     * How timings learned on this machine are told apart by the allocator they were taken
     * under: a choice timed while steps faulted their memory in need not hold without, so the
     * settings themselves are part of the key, and choices made under earlier settings are timed
     * again.
     *
     * @return {@code " memory=kept "} and {@link #TUNABLES}, or {@code " memory=returned"}
     */
    public static String timingKey() {
        return kept() ? " memory=kept " + TUNABLES : " memory=returned";
    }

    /**
     * Whether a value of {@code GLIBC_TUNABLES} holds every one of {@link #TUNABLES}, with none of
     * them overridden by a later entry.
     *
     * @param tunables the variable's value, or null
     * @return true when all are in effect
     */
    static boolean keptBy(String tunables) {
        if (tunables == null) {
            return false;
        }
        List<String> given = Arrays.asList(tunables.split(":"));
        for (String wanted : TUNABLES.split(":")) {
            String name = wanted.substring(0, wanted.indexOf('=') + 1);
            String last = null;
            for (String g : given) {
                if (g.startsWith(name)) {
                    last = g; // glibc applies entries in order: the last one holds
                }
            }
            if (!wanted.equals(last)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Measures allocating and zeroing 64 MB tensors held at once (so each lands in new memory;
     * the median of four) against passes over one of them (the best of three).
     *
     * @return the cost
     */
    public static Cost measure() {
        EngineSetup.ensure();
        double[] fresh = new double[4];
        double reused = Double.POSITIVE_INFINITY;
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            NDArray held = null;
            for (int i = 0; i < fresh.length; i++) {
                long t0 = System.nanoTime();
                held = m.zeros(new Shape(PROBE_FLOATS));
                held.getFloat(0);
                fresh[i] = (System.nanoTime() - t0) / 1e6;
            }
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                held.subi(held).getFloat(0);
                reused = Math.min(reused, (System.nanoTime() - t0) / 1e6);
            }
        }
        Arrays.sort(fresh);
        return new Cost(kept(), (fresh[1] + fresh[2]) / 2, reused);
    }
}
