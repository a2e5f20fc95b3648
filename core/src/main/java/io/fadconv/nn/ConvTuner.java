package io.fadconv.nn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.JvmThreads;
import io.fadconv.engine.MachineFile;
import io.fadconv.util.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses how {@link DynamicConv2d} convolves each sample with its own kernel by timing the
 * candidate {@link DynamicConv2d.Strategy strategies} on the machine at hand, the first time a
 * geometry is met (as cuDNN's benchmark mode does), in the rounds of {@link TimingRounds}:
 * forward only for inference; forward, then forward and backward of the contenders, for training,
 * whose forwards also decide the same geometry in inference.
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

    private static final Map<String, Choice> CHOICES = new ConcurrentHashMap<>();
    private static final Map<Lookup, String> KEYS = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong TUNING_NANOS =
            new java.util.concurrent.atomic.AtomicLong();
    /** How many times each problem was met in {@link #usesDuring}, in order of first use. */
    private static final Map<ConvProblem, Long> USES = new java.util.LinkedHashMap<>();
    /** Whether {@link #usesDuring} is counting: otherwise a call costs one volatile read. */
    private static volatile boolean countingUses;
    private static volatile MachineFile file;
    private static volatile boolean fileLoaded;

    /**
     * One decision.
     *
     * @param strategy the strategy used
     * @param how {@code timed}, {@code from training} (an inference geometry decided by the
     *     forwards its training twin timed), {@code cached} (from an earlier process), {@code
     *     preset} (from a checkpoint), {@code rule} (tuning off) or {@code only} (a single
     *     candidate)
     * @param millis the fastest times of the candidates, in {@link DynamicConv2d.Strategy} order
     *     (NaN where not applicable, {@link TimingRounds#CANNOT_WIN} where not timed): in training
     *     forward and backward, infinity for a forward that lost, and the winner's forward alone
     *     where no other forward contended
     * @param decidedMs the time this process spent deciding (timing, reading the cache), 0 when
     *     decided elsewhere (a training twin's forwards, a checkpoint)
     */
    public record Choice(DynamicConv2d.Strategy strategy, String how, double[] millis,
            double decidedMs) {

        Choice(DynamicConv2d.Strategy strategy, String how, double[] millis) {
            this(strategy, how, millis, 0);
        }

        Choice decidedIn(double ms) {
            return new Choice(strategy, how, millis, ms);
        }
    }

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
        if (countingUses) {
            synchronized (USES) {
                USES.merge(p, 1L, Long::sum);
            }
        }
        // every forward of every dynamic layer comes here: the formatted key is built once per
        // problem and configuration, not per call
        String key = KEYS.computeIfAbsent(new Lookup(p, EngineSetup.active()),
                l -> l.problem().key());
        Choice c = CHOICES.get(key);
        if (c == null) {
            long t0 = System.nanoTime();
            c = decide(key, p);
            long spent = System.nanoTime() - t0;
            c = c.decidedIn(spent / 1e6);
            TUNING_NANOS.addAndGet(spent);
            CHOICES.put(key, c);
        }
        return c.strategy();
    }

    /**
     * The problems a pass meets, each with the number of calls that met it: after one pass of a
     * network, its dynamic layers by geometry ({@code fadconv bench formulations --model}).
     * Counted only while the pass runs, so the layers' forwards pay nothing for it otherwise.
     *
     * @param pass what to run, e.g. one forward of a network
     * @return problem to calls, in order of first use
     */
    public static Map<ConvProblem, Long> usesDuring(Runnable pass) {
        synchronized (USES) {
            USES.clear();
        }
        countingUses = true;
        try {
            pass.run();
        } finally {
            countingUses = false;
        }
        synchronized (USES) {
            Map<ConvProblem, Long> out = new java.util.LinkedHashMap<>(USES);
            USES.clear();
            return out;
        }
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
        return MachineFile.texts(machineFile());
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
        choices().forEach((key, c) -> out.add(line(key, c)));
        return out;
    }

    /**
     * One decision's line: geometry, strategy, how, the time spent, and each candidate's time or
     * why it has none.
     *
     * @param key the geometry key
     * @param c the decision
     * @return the line
     */
    static String line(String key, Choice c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-60s %-10s %s",
                key, c.strategy(), c.how()));
        if (c.decidedMs() > 0) {
            sb.append(String.format(Locale.ROOT, " in %.0f ms", c.decidedMs()));
        }
        DynamicConv2d.Strategy[] all = DynamicConv2d.Strategy.values();
        for (int i = 0; i < c.millis().length; i++) {
            if (c.millis()[i] == TimingRounds.CANNOT_WIN) {
                sb.append("  ").append(all[i]).append(" not timed (")
                        .append(TimingRounds.whyNotTimed(all[i])).append(')');
            } else if (Double.isInfinite(c.millis()[i])) {
                sb.append("  ").append(all[i]).append(" lost in its forward");
            } else if (!Double.isNaN(c.millis()[i])) {
                sb.append(String.format(Locale.ROOT, "  %s %.1f ms", all[i], c.millis()[i]));
                if (key.startsWith("train") && c.how().equals("timed")
                        && TimingRounds.decidedByForward(c.millis())) {
                    sb.append(" forward (no other forward within ")
                            .append(TimingRounds.CONTENDS_WITHIN).append("x)");
                }
            }
        }
        return sb.toString();
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

    /**
     * Forgets the strategies timed on this machine before, and this process's decisions, so
     * that each geometry is timed again on its next use ({@code fadconv doctor --retune}). A
     * choice is timed once and then kept: one timed while the machine was busy stays until
     * then. On an AMD EPYC, one bench run's tuning kept per-sample convolution for 512 channels
     * 16 x 16 in training, where im2col-bmm was chosen in three fresh tunings after it; that
     * layer then ran 1.39 and 1.42x static against 1.13-1.16x after a fresh tuning
     * (BENCHMARKS.md).
     *
     * @return how many remembered choices were forgotten (0 when caching is off)
     */
    public static int forgetRemembered() {
        MachineFile f = machineFile();
        int forgotten = f == null ? 0 : f.clear();
        clear();
        return forgotten;
    }

    /** Forgets every decision of this process, as a new process starts without them. */
    public static void clear() {
        CHOICES.clear();
        TimingRounds.clear();
        TUNING_NANOS.set(0);
        fileLoaded = false; // the cache's place may have changed (fadconv.engine.cache.dir)
    }

    /** A problem under a configuration: what a geometry key is made of. */
    private record Lookup(ConvProblem problem, EngineConfig config) {}

    /**
     * Whether the tuner times a strategy for a problem: every one that applies in the problem's
     * mode (a training geometry may be met with gradients off: tests, twins), except
     * {@link DynamicConv2d.Strategy#GROUPED_NCHW} under a guarded configuration. The guard runs
     * every oneDNN convolution channels-last, so there it is the grouped convolution itself with
     * two more copies and its output left in NCHW. Timed alone it sometimes won by 1.5x, but not
     * in networks: on an AMD EPYC Zen 5, resnet18x0.25-unet's FADConv training step was 1.66x and
     * 1.68x static under a tuning that chose it for four geometries, 1.39x and 1.44x under one
     * that chose it for two others, 1.41x and 1.53x with it nowhere, and 1.63x and 1.76x with it
     * everywhere (BENCHMARKS.md). A checkpoint's choice of it still runs.
     *
     * @param s the strategy
     * @param p the problem
     * @return true when the tuner times it
     */
    static boolean isCandidate(DynamicConv2d.Strategy s, ConvProblem p) {
        EngineConfig config = EngineSetup.active();
        return s.applies(p.batch(), p.groups(), p.experts(), config.layout(p.training()))
                && !(s == DynamicConv2d.Strategy.GROUPED_NCHW && config.guarded());
    }

    private static Choice decide(String key, ConvProblem p) {
        List<DynamicConv2d.Strategy> candidates = new ArrayList<>();
        for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
            if (isCandidate(s, p)) {
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
        ObjectNode onDisk = f == null ? Json.object() : f.read(); // read once per decision
        Choice known = remembered(onDisk, key);
        if (known != null) {
            return known;
        }
        ObjectNode learned = Json.object();
        // timings decide from here: the JVM's compilers must not run beside the candidates
        JvmThreads.yieldCompilers();
        Choice c;
        if (!p.training()) {
            double[] ms = TimingRounds.inference(candidates, p);
            c = new Choice(fastest(candidates, ms), "timed", ms);
        } else {
            // The same forwards decide the geometry in inference, where both modes run one layout.
            String inference = p.inference().key();
            boolean decidesInference =
                    EngineSetup.active().layout(true) == EngineSetup.active().layout(false)
                    && !CHOICES.containsKey(inference) && remembered(onDisk, inference) == null;
            double[][] forwardTotal = TimingRounds.training(candidates, p);
            c = new Choice(fastest(candidates, forwardTotal[1]), "timed", forwardTotal[1]);
            if (decidesInference) {
                Choice i = new Choice(fastest(candidates, forwardTotal[0]), "from training",
                        forwardTotal[0]);
                CHOICES.put(inference, i);
                learned.put(inference, i.strategy().name());
            }
        }
        learned.put(key, c.strategy().name());
        if (f != null) {
            f.putAll(learned);
        }
        return c;
    }

    private static Choice remembered(ObjectNode onDisk, String key) {
        com.fasterxml.jackson.databind.JsonNode known = onDisk.get(key);
        if (known == null) {
            return null;
        }
        try {
            return new Choice(DynamicConv2d.Strategy.valueOf(known.asText()), "cached",
                    new double[0]);
        } catch (IllegalArgumentException e) {
            return null; // a strategy of another version: decided afresh
        }
    }

    private static DynamicConv2d.Strategy fastest(List<DynamicConv2d.Strategy> candidates,
            double[] ms) {
        DynamicConv2d.Strategy best = candidates.get(0);
        for (DynamicConv2d.Strategy c : candidates) {
            if (ms[c.ordinal()] < ms[best.ordinal()]) {
                best = c;
            }
        }
        return best;
    }

    private static MachineFile machineFile() {
        if (!fileLoaded) {
            // keyed by the allocator, the compilers' priority, the candidates and the way of
            // timing too: a choice made under another allocator or beside the compilers, among
            // fewer candidates or by an older procedure is timed again
            file = MachineFile.open("conv-tuning", EngineSetup.ensure().machineKey()
                    + EngineSetup.timingConditions()
                    + " compilers=" + (JvmThreads.yielding() ? "yield" : "share")
                    + " strategies=" + java.util.Arrays.toString(DynamicConv2d.Strategy.values())
                    + " timing=" + TimingRounds.PROCEDURE);
            fileLoaded = true;
        }
        return file;
    }
}
