package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import io.fadconv.engine.Completion;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** The measuring conventions every runner of this module shares. */
public final class Timing {

    private Timing() {}

    /**
     * Forward + backward of {@code f} in milliseconds. The loss is {@code sum(y^2) / 2}, so the
     * gradient reaching {@code y} is {@code y} itself: dense, as inside a network (a plain
     * {@code sum} would send a broadcast constant that some kernels treat specially). Everything
     * created is freed with a sub-manager; {@code leaves} are attached to it for the duration.
     *
     * @param m the manager owning the leaves
     * @param leaves arrays the computation starts from
     * @param f the computation, given the sub-manager
     * @return elapsed milliseconds
     */
    public static double forwardBackwardMs(NDManager m, List<NDArray> leaves,
            Function<NDManager, NDArray> f) {
        try (NDManager sub = m.newSubManager()) {
            leaves.forEach(l -> l.tempAttach(sub));
            long t0 = System.nanoTime();
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = f.apply(sub);
                gc.backward(y.square().sum().div(2));
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /**
     * Forward only, no gradient recording, in milliseconds.
     *
     * @param m the manager owning the leaves
     * @param leaves arrays the computation starts from
     * @param f the computation
     * @return elapsed milliseconds
     */
    public static double forwardMs(NDManager m, List<NDArray> leaves,
            Function<NDManager, NDArray> f) {
        try (NDManager sub = m.newSubManager()) {
            leaves.forEach(l -> l.tempAttach(sub));
            long t0 = System.nanoTime();
            Completion.await(f.apply(sub));
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /**
     * One pass as a mode runs it: the forward alone with no gradient recording
     * ({@link #forwardMs}) in inference, else forward and backward ({@link #forwardBackwardMs}).
     *
     * @param m the manager owning the leaves
     * @param leaves arrays the computation starts from
     * @param inference whether to time the forward alone
     * @param pass the computation, given whether it is a training pass
     * @return elapsed milliseconds
     */
    public static double passMs(NDManager m, List<NDArray> leaves, boolean inference,
            Function<Boolean, NDArray> pass) {
        return inference ? forwardMs(m, leaves, sub -> pass.apply(false))
                : forwardBackwardMs(m, leaves, sub -> pass.apply(true));
    }

    /**
     * A measurement run under an engine configuration, switched in-process just before it (the
     * configuration in use stays switched; callers measuring several restore it at the end).
     *
     * @param engine the configuration
     * @param run the measurement
     * @return the wrapped measurement
     */
    public static Supplier<Double> under(EngineConfig engine, Supplier<Double> run) {
        return () -> {
            EngineSetup.switchTo(engine);
            return run.get();
        };
    }

    /**
     * Runs candidates round-robin ({@code warmup} untimed rounds, then {@code rounds} timed),
     * so drift of the machine affects all alike; every other round in reverse order, so that no
     * candidate always runs right after the same one (measured: the candidate run first after
     * another's backward pass was up to 10 % slower than the same one run second). The first
     * round runs them in the given order.
     *
     * @param candidates each returns its elapsed milliseconds for one run
     * @param warmup untimed rounds
     * @param rounds timed rounds
     * @return times[candidate][round]
     */
    public static double[][] interleaved(List<Supplier<Double>> candidates, int warmup,
            int rounds) {
        return interleaved(candidates, warmup, 0, rounds);
    }

    /**
     * {@link #interleaved(List, int, int)} with untimed rounds that go on, past {@code warmup},
     * until {@code warmupSeconds} have passed. The JVM compiles the Java side of a layer (DJL's
     * arrays, our ops) for hundreds of passes, and its compiler threads share the cores: on an
     * AMD EPYC a FADConv layer's forward at 64 channels 64 x 64 took 15-32 ms in its first 40
     * passes and 10-13 ms after 80, and {@code bench layer --inference} put it at 3.66x static
     * after two warm-up rounds and 1.69x after a hundred (BENCHMARKS.md). Training and mapping
     * run thousands of passes; the benchmarks report that steady state.
     *
     * @param candidates each returns its elapsed milliseconds for one run
     * @param warmup untimed rounds, at least
     * @param warmupSeconds untimed rounds continue until this much time has passed (0: none)
     * @param rounds timed rounds
     * @return {@code [candidate][round]} milliseconds
     */
    public static double[][] interleaved(List<Supplier<Double>> candidates, int warmup,
            double warmupSeconds, int rounds) {
        EngineConfig engine = EngineSetup.active();
        try {
            return interleavedUnder(candidates, warmup, warmupSeconds, rounds);
        } finally {
            EngineSetup.switchTo(engine);
        }
    }

    private static double[][] interleavedUnder(List<Supplier<Double>> candidates, int warmup,
            double warmupSeconds, int rounds) {
        double[][] t = new double[candidates.size()][rounds];
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int done = 0;
        while (done < warmup || System.nanoTime() - warmupEnd < 0) {
            round(candidates, done++, null, 0);
        }
        for (int r = 0; r < rounds; r++) {
            round(candidates, done + r, t, r);
        }
        return t;
    }

    /** One round; the first in the given order, then reversed every other round. */
    private static void round(List<Supplier<Double>> candidates, int index, double[][] t,
            int column) {
        int n = candidates.size();
        for (int k = 0; k < n; k++) {
            // the first round in the given order: what runs first is tuned first (a training
            // step before inference decides inference from its forwards, as a training run)
            int i = (index & 1) == 0 ? k : n - 1 - k;
            double v = candidates.get(i).get();
            if (t != null) {
                t[i][column] = v;
            }
        }
    }

    /**
     * The median.
     *
     * @param v values
     * @return their median
     */
    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * The machine, for reports: CPU model and the logical CPUs the JVM sees (as doctor says
     * them; the nominal FMA peak's line counts physical cores, fewer where a core runs two
     * threads).
     *
     * @return one line
     */
    public static String machine() {
        return io.fadconv.engine.CpuInfo.read().modelName() + ", "
                + Runtime.getRuntime().availableProcessors() + " logical CPUs";
    }
}
