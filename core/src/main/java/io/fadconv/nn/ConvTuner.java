package io.fadconv.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.MachineFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses how {@link DynamicConv2d} convolves each sample with its own kernel by timing the
 * candidate {@link DynamicConv2d.Strategy strategies} on the machine at hand, the first time a
 * geometry is met (as cuDNN's benchmark mode does): forward only for inference, forward and
 * backward for training, on data of the same shapes drawn from Java's generator (the engine's is
 * left alone, so seeded runs stay reproducible), outside the caller's autograd graph.
 *
 * <p>Choices are kept per process, and per kind of machine in {@code conv-tuning.json} (see
 * {@link MachineFile}) so a later process makes the same choice without timing. A training run
 * records the choices it used in its checkpoint and hands them back here on resume
 * ({@link #preset}), so resuming stays bit-exact. {@code -Dfadconv.tune=off} (or
 * {@code FADCONV_TUNE=off}) turns timing off: the fixed {@link DynamicConv2d.Strategy#rule} then
 * decides, the same on every machine.
 */
public final class ConvTuner {

    /** Turns tuning on ({@code on}, default) or off ({@code off}). */
    public static final String PROPERTY = "fadconv.tune";

    private static final int TIMED_RUNS = 2;
    /** A candidate slower than this per run is not run again. */
    private static final double LONG_RUN_MS = 400;

    private static final Map<String, Choice> CHOICES = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong TUNING_NANOS =
            new java.util.concurrent.atomic.AtomicLong();
    private static volatile MachineFile file;
    private static volatile boolean fileLoaded;

    /**
     * One decision.
     *
     * @param strategy the strategy used
     * @param how {@code timed}, {@code cached} (from an earlier process), {@code preset} (from a
     *     checkpoint), {@code rule} (tuning off) or {@code only} (a single candidate)
     * @param millis the fastest times of the candidates, in {@link DynamicConv2d.Strategy} order
     *     (NaN where not applicable or not timed)
     */
    public record Choice(DynamicConv2d.Strategy strategy, String how, double[] millis) {}

    private ConvTuner() {}

    /**
     * Whether tuning by timing is on.
     *
     * @return false when {@code fadconv.tune=off} or {@code FADCONV_TUNE=off}
     */
    public static boolean enabled() {
        String v = System.getProperty(PROPERTY);
        if (v == null) {
            v = System.getenv("FADCONV_TUNE");
        }
        return v == null || !v.trim().equalsIgnoreCase("off");
    }

    /**
     * The strategy for a per-sample convolution, timing the candidates on first use.
     *
     * @param p the problem
     * @return the strategy
     */
    public static DynamicConv2d.Strategy strategy(ConvProblem p) {
        String key = p.key();
        Choice c = CHOICES.get(key);
        if (c == null) {
            long t0 = System.nanoTime();
            c = decide(key, p);
            TUNING_NANOS.addAndGet(System.nanoTime() - t0);
            CHOICES.put(key, c);
        }
        return c.strategy();
    }

    /**
     * Every decision of this process, by geometry key.
     *
     * @return a sorted copy
     */
    public static Map<String, Choice> choices() {
        return Collections.unmodifiableMap(new TreeMap<>(CHOICES));
    }

    /**
     * The choices earlier processes timed on this kind of machine, as kept on disk.
     *
     * @return geometry key to strategy name (empty when none or caching is off)
     */
    public static Map<String, String> remembered() {
        Map<String, String> out = new TreeMap<>();
        MachineFile f = machineFile();
        if (f != null) {
            f.read().fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /**
     * Where the choices of this kind of machine are kept.
     *
     * @return the file, or null when caching is off
     */
    public static java.nio.file.Path rememberedFile() {
        MachineFile f = machineFile();
        return f == null ? null : f.path();
    }

    /**
     * One line per decision of this process: geometry, strategy, how, and the candidates' times.
     *
     * @return the lines
     */
    public static List<String> describe() {
        List<String> out = new ArrayList<>();
        choices().forEach((key, c) -> {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-60s %-10s %s",
                    key, c.strategy(), c.how()));
            DynamicConv2d.Strategy[] all = DynamicConv2d.Strategy.values();
            for (int i = 0; i < c.millis().length; i++) {
                if (!Double.isNaN(c.millis()[i])) {
                    sb.append(String.format(Locale.ROOT, "  %s %.1f ms", all[i], c.millis()[i]));
                }
            }
            out.add(sb.toString());
        });
        return out;
    }

    /**
     * The strategies chosen so far, by geometry key, as a checkpoint records them.
     *
     * @return geometry key to strategy name
     */
    public static Map<String, String> strategies() {
        Map<String, String> out = new TreeMap<>();
        CHOICES.forEach((k, v) -> out.put(k, v.strategy().name()));
        return out;
    }

    /**
     * Makes earlier decisions again (a resumed run's checkpoint): these geometries use these
     * strategies whatever timing would say now. Unknown strategy names are ignored.
     *
     * @param strategies geometry key to strategy name
     */
    public static void preset(Map<String, String> strategies) {
        strategies.forEach((k, v) -> {
            try {
                CHOICES.put(k, new Choice(DynamicConv2d.Strategy.valueOf(v), "preset",
                        new double[0]));
            } catch (IllegalArgumentException e) {
                // a strategy of another version: this geometry is decided afresh
            }
        });
    }

    /**
     * The time this process has spent deciding (timing candidates, reading the cache).
     *
     * @return seconds
     */
    public static double tuningSeconds() {
        return TUNING_NANOS.get() / 1e9;
    }

    /** Forgets every decision of this process, as a new process starts without them. */
    public static void clear() {
        CHOICES.clear();
        TUNING_NANOS.set(0);
    }

    private static Choice decide(String key, ConvProblem p) {
        List<DynamicConv2d.Strategy> candidates = new ArrayList<>();
        for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
            if (s.applies(p.batch(), p.groups(), p.experts())) {
                candidates.add(s);
            }
        }
        if (candidates.size() == 1) {
            return new Choice(candidates.get(0), "only", new double[0]);
        }
        if (!enabled()) {
            return new Choice(DynamicConv2d.Strategy.rule(p.input().get(1), p.outPixels(),
                    p.groups()), "rule", new double[0]);
        }
        MachineFile f = machineFile();
        if (f != null && f.read().get(key) != null) {
            try {
                return new Choice(DynamicConv2d.Strategy.valueOf(f.read().get(key).asText()),
                        "cached", new double[0]);
            } catch (IllegalArgumentException e) {
                // decided afresh below
            }
        }
        double[] ms = new double[DynamicConv2d.Strategy.values().length];
        java.util.Arrays.fill(ms, Double.NaN);
        DynamicConv2d.Strategy best = null;
        for (DynamicConv2d.Strategy s : candidates) {
            ms[s.ordinal()] = time(s, p);
            if (best == null || ms[s.ordinal()] < ms[best.ordinal()]) {
                best = s;
            }
        }
        if (f != null) {
            f.put(key, JsonNodeFactory.instance.textNode(best.name()));
        }
        return new Choice(best, "timed", ms);
    }

    /**
     * The fastest of a few runs of one strategy (after one untimed run), in milliseconds, on
     * fresh data outside the caller's graph.
     */
    private static double time(DynamicConv2d.Strategy s, ConvProblem p) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(p.training());
        Random random = new Random(7);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            double best = Double.POSITIVE_INFINITY;
            for (int r = -1; r < TIMED_RUNS; r++) {
                try (NDManager run = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    p.run(s, run, random).toFloatArray(); // forces completion
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r >= 0) {
                        best = Math.min(best, ms);
                        if (ms > LONG_RUN_MS) {
                            break; // slow enough that one timing decides
                        }
                    }
                }
            }
            return best;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static MachineFile machineFile() {
        if (!fileLoaded) {
            file = MachineFile.open("conv-tuning", EngineSetup.ensure().machineKey());
            fileLoaded = true;
        }
        return file;
    }
}
