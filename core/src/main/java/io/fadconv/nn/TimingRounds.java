package io.fadconv.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.fadconv.engine.Completion;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.JvmThreads;
import io.fadconv.engine.NativeMemory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * How {@link ConvTuner} times the candidate strategies of one geometry: forward only for
 * inference; for training, after one untimed run that takes the geometry's first-use costs
 * ({@link #warmUp}), every candidate's forward, then forward and backward of those close to the
 * fastest forward (none when only the fastest is: it wins whatever its backward takes), and the
 * forwards also decide the same geometry in inference (a training run evaluates, so it would
 * otherwise time the forwards twice); rounds cheap enough run up to {@link #CHEAP_ROUNDS}
 * times ({@link #againWhileCheap}); a close runner-up timed before the best runs a second
 * time. On data of the same shapes spread by hashing (no generator is touched, so seeded runs stay
 * reproducible), outside the caller's autograd graph. A candidate whose work alone loses is not
 * timed: expert-sum where K times the multiply-adds cannot win ({@link #cannotWin}) or its K
 * outputs outweigh the kernels ({@link #outweighKernels}), im2col-bmm where its unfolded input
 * outweighs the kernels ({@link #unfoldsTooMuch}).
 */
final class TimingRounds {

    /**
     * A candidate whose forward is within this factor of the fastest forward still contends: in
     * training its backward is timed too, and a candidate whose least possible time is beyond it
     * is not timed at all ({@link #cannotWin}). The backward is where candidates differ most, and
     * it costs twice the forward. On an AMD EPYC, of resnet18-unet's seven geometries the best
     * candidate in forward and backward had a forward more than 1.15x behind the fastest at one
     * (128 -> 256 channels, 1.27x; it was better by 1.5 ms per training step), while timing those
     * between 1.15x and 1.25x cost half a second of tuning (20-27 backwards timed instead of
     * 18-19): eight fresh tunings each, alternated, took 2.26 s at 1.15 against 2.79 s at 1.25,
     * and their choices cost 26 against 38 ms per training step over the best per geometry
     * (BENCHMARKS.md).
     */
    static final double CONTENDS_WITHIN = 1.15;

    /**
     * More page faults than this (4 MiB of fresh memory) during one timed run have it run again
     * ({@link #once}). Runs in memory the process already holds faulted 14-250 pages on an AMD
     * EPYC; first uses of a geometry's memory 1,000-46,000.
     */
    static final long FRESH_PAGES = 1024;

    /**
     * A runner-up within this factor of the best, timed before it, is timed a second time
     * ({@link #worthRerunning}): a first run also pays one-off costs (oneDNN builds its kernels
     * for a new shape). Timing every candidate within 1.25x again took about a fifth of
     * resnet18-unet's tuning, with no difference in its step times beyond their noise
     * (BENCHMARKS.md).
     */
    private static final double RERUN_WITHIN = 1.10;

    /**
     * A round of runs that costs less than this in all is run again ({@link #againWhileCheap}),
     * up to {@link #CHEAP_ROUNDS} rounds: single runs of a few milliseconds are at the mercy of
     * whatever else the process does (on an AMD EPYC the same grouped forward at 64 channels,
     * 16 x 16, took 1.7 to 7.5 ms in eight runs in a row, and a process's first tuning ran
     * grouped's backward at 16 channels, 64 x 64, in 15-21 ms against about 3 later), so one run
     * each chose per-sample for the quarter-width network's first geometry in seven of eight
     * fresh processes, where grouped is about twice as fast. The bound keeps the repeats to
     * geometries where they cost little.
     */
    static final double CHEAP_ROUND_MS = 50;

    /** The most rounds a cheap round is run in ({@link #CHEAP_ROUND_MS}). */
    static final int CHEAP_ROUNDS = 3;

    /**
     * A forward and backward's time in forwards, to judge from the forwards whether a round of
     * whole runs is cheap (a first backward also pays what the engine builds for it, so its own
     * time overstates the cost of another): the backward costs about twice the forward.
     */
    private static final double WHOLE_PER_FORWARD = 3;

    /**
     * Raised whenever a change of the timing procedure makes earlier choices suspect, so they are
     * timed again (2: no single cold run decides; kept when round two started reusing the
     * forwards' graphs, which saves time but does not decide differently; 4: under channels-last
     * an output left in NCHW pays its copy back, which choices made before favoured; 3 was an
     * experiment's, whose entries some caches hold; 5: an untimed run first, {@link #warmUp},
     * as choices made before charged the first candidate with the geometry's first use; 6: no
     * graph is held while the next candidate runs, as held graphs made it fault fresh memory; 7:
     * the JVM's compilers no longer run beside the candidates, {@link JvmThreads}, whose time
     * had been charged to whichever candidate ran while they compiled; 8: only a runner-up timed
     * before the best is timed again, {@link #worthRerunning}; 9: im2col-bmm mixes a mixture's
     * kernels output channel by output channel, faster than when the choices before were made;
     * 10: per-sample and the halves split the batch instead of slicing it, which made their
     * backwards faster; 11: grouped-nchw is no candidate under a guarded configuration,
     * {@link ConvTuner#isCandidate}; 12: a timed run waits for one element of its result,
     * {@link Completion}, where a copy of a whole sample or kernel into Java
     * had been charged to every candidate; 13: cheap rounds run again,
     * {@link #CHEAP_ROUND_MS}; 14: kernels are mixed and kept with their input channels
     * innermost under a channels-last configuration, {@code KernelMemory}, which spares the
     * copies the convolutions made of them; 15: per-sample and the halves split the kernels'
     * values in memory order, which spares their backwards a copy of the kernels' gradients; 16:
     * the compilers run under {@code SCHED_IDLE}, {@link JvmThreads}, as at nice 19 alone they
     * still decided a first geometry's choice; 17: a run that faulted in fresh memory runs again,
     * {@link #once}).
     */
    static final int PROCEDURE = 17;

    /**
     * How many training forwards must beat expert-sum's least time before it is left untimed
     * ({@link #cannotWin}): the fastest forward, which decides alone or sets the contenders.
     */
    private static final int FINALISTS = 1;

    /**
     * How much faster than the dense convolution measured here ({@link #denseRate}) a candidate's
     * multiply-adds could possibly run: the margin of the bound that spares timing
     * {@link DynamicConv2d.Strategy#EXPERT_SUM} where its K-fold work cannot win.
     */
    private static final double BEYOND_DENSE = 1.5;

    /**
     * The time recorded for a candidate not timed because its work alone loses: K times the
     * multiply-adds ({@link DynamicConv2d.Strategy#EXPERT_SUM}, {@link #cannotWin}), or an
     * unfolded input larger than the kernels ({@link #unfoldsTooMuch}).
     */
    static final double CANNOT_WIN = Double.MAX_VALUE;

    /**
     * A dense convolution's best rate in GMAC/s, per configuration and layout, measured once per
     * process.
     */
    private static final Map<String, Double> DENSE_RATE = new ConcurrentHashMap<>();

    /**
     * The best rate, in GMAC/s, a timed candidate's forward reached, per configuration and layout:
     * the machine's dense rate is at least that, whatever a measurement made while the process was
     * still starting found (one measured half its later rate on an AMD EPYC).
     */
    private static final Map<String, Double> REACHED = new ConcurrentHashMap<>();

    private TimingRounds() {}

    /** Forgets the rates measured and reached, as a new process starts without them. */
    static void clear() {
        DENSE_RATE.clear();
        REACHED.clear();
    }

    /**
     * Times inference candidates on one draw of data, cheaply enough for a first use: each runs
     * once (up to {@link #CHEAP_ROUNDS} times where a round is cheap, {@link #forwardRounds}),
     * then a runner-up within {@link #RERUN_WITHIN} of the best and timed before it runs once
     * more ({@link #worthRerunning}), keeping its faster time. Gradients off, restored after.
     *
     * @return milliseconds in {@link DynamicConv2d.Strategy} order (NaN where not a candidate)
     */
    static double[] inference(List<DynamicConv2d.Strategy> candidates, ConvProblem p) {
        double[] ms = untimed();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            ConvProblem.Data data = p.draw(m);
            forwardRounds(candidates, p, ms, 1, s -> once(p, s, m, data, false).forwardMs());
            for (DynamicConv2d.Strategy s : worthRerunning(candidates, ms)) {
                ms[s.ordinal()] = Math.min(ms[s.ordinal()],
                        reached(p, once(p, s, m, data, false).forwardMs()));
            }
            return ms;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Times training candidates on one draw of data in rounds: every candidate's forward
     * (recording gradients, as in training), each in the memory the one before it freed, as a
     * network's step runs in the memory of the step before; then, when another forward is within
     * {@link #CONTENDS_WITHIN} of the fastest, forward and backward of each such contender (their
     * second forward); each of those rounds again while it is cheap ({@link #againWhileCheap});
     * then forward and backward once more for a runner-up within
     * {@link #RERUN_WITHIN} of the best that ran before it (a first run also pays one-off
     * costs; {@link #worthRerunning}). The backward is where the candidates differ most and
     * costs twice the forward, so it is paid only where it can decide ({@link #trainingRounds}).
     * Gradient mode restored after.
     *
     * <p>The forwards' graphs are not kept for the backward: graphs held while the next
     * candidates ran made those run in memory never touched before, and the page faults decided
     * choices (on an AMD EPYC, grouped-nchw's forward at 512 channels, 8 x 8, took 45-54 ms when
     * it faulted its 18,000 pages and 25-26 ms when it did not). Over eight fresh tunings of
     * resnet18-unet each, alternated, the choices cost 7 ms per inference and 26 ms per training
     * step more than the best per geometry, against 19 and 40 ms with the graphs kept; tuning
     * took the same time, 2.43 against 2.41 s (BENCHMARKS.md).
     *
     * @return forward milliseconds (the fastest of a candidate's runs) and whole-run milliseconds
     *     (the backward plus the fastest forward; infinity for a candidate whose forward lost,
     *     {@link #CANNOT_WIN} for one not timed; the forward alone for a candidate that alone
     *     contended), in {@link DynamicConv2d.Strategy} order, NaN where not a candidate
     */
    static double[][] training(List<DynamicConv2d.Strategy> candidates, ConvProblem p) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            ConvProblem.Data data = p.draw(m);
            warmUp(candidates, p, m, data);
            return trainingRounds(candidates, p, (s, backward) -> once(p, s, m, data, backward));
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** One timed run of a candidate on the geometry's data, forward and optionally backward. */
    @FunctionalInterface
    interface Runner {
        ConvProblem.Run run(DynamicConv2d.Strategy s, boolean backward);
    }

    /**
     * The rounds of {@link #training}, given a way to run a candidate. A candidate alone
     * within {@link #CONTENDS_WITHIN} of the fastest forward wins whatever its backward takes, so
     * none is timed: its forward is recorded as its time. In 16 fresh tunings of resnet18-unet on
     * an AMD EPYC, 47 of the 112 training geometries were decided so, and tuning took 2.21 s
     * against 2.33 s without the rule (BENCHMARKS.md).
     *
     * @return as {@link #training}
     */
    static double[][] trainingRounds(List<DynamicConv2d.Strategy> candidates, ConvProblem p,
            Runner runner) {
        double[] forward = untimed();
        double[] total = untimed();
        forwardRounds(candidates, p, forward, FINALISTS, s -> runner.run(s, false).forwardMs());
        double fastest = Double.POSITIVE_INFINITY;
        for (DynamicConv2d.Strategy s : candidates) {
            fastest = Math.min(fastest, forward[s.ordinal()]);
        }
        List<DynamicConv2d.Strategy> contenders = new ArrayList<>();
        for (DynamicConv2d.Strategy s : candidates) {
            double f = forward[s.ordinal()];
            if (f <= CONTENDS_WITHIN * fastest) {
                contenders.add(s);
            } else {
                total[s.ordinal()] = f == CANNOT_WIN ? CANNOT_WIN : Double.POSITIVE_INFINITY;
            }
        }
        if (contenders.size() == 1) {
            int alone = contenders.get(0).ordinal();
            total[alone] = forward[alone];
            return new double[][] {forward, total};
        }
        for (DynamicConv2d.Strategy s : contenders) {
            timeWhole(p, s, runner, forward, total);
        }
        againWhileCheap(contenders, () -> WHOLE_PER_FORWARD * sum(contenders, forward),
                s -> timeWhole(p, s, runner, forward, total));
        for (DynamicConv2d.Strategy s : worthRerunning(candidates, total)) {
            timeWhole(p, s, runner, forward, total);
        }
        return new double[][] {forward, total};
    }

    /**
     * Whether a training geometry was decided by a forward alone ({@link #trainingRounds}): then
     * the winner's time is its forward, and no other candidate has one.
     *
     * @param total the whole-run milliseconds {@link #training} returned
     * @return true when exactly one candidate has a time
     */
    static boolean decidedByForward(double[] total) {
        return java.util.Arrays.stream(total).filter(t -> Double.isFinite(t) && t != CANNOT_WIN)
                .count() == 1;
    }

    /**
     * Times one forward and backward of a candidate, keeping the fastest forward and the fastest
     * whole run (the backward plus the fastest forward so far).
     */
    private static void timeWhole(ConvProblem p, DynamicConv2d.Strategy s, Runner runner,
            double[] forward, double[] total) {
        ConvProblem.Run r = runner.run(s, true);
        int i = s.ordinal();
        forward[i] = Math.min(forward[i], reached(p, r.forwardMs()));
        double whole = r.totalMs() - r.forwardMs() + forward[i];
        total[i] = Double.isNaN(total[i]) ? whole : Math.min(total[i], whole);
    }

    /**
     * Every candidate's forward, in order, except those whose work alone loses
     * ({@link #notWorthTiming}, recorded as {@link #CANNOT_WIN}); then the timed ones again
     * while a round of them is cheap ({@link #againWhileCheap}). Each keeps its fastest forward.
     *
     * @param candidates the candidates, in the order to time them
     * @param p the problem
     * @param ms where the forwards go, in {@link DynamicConv2d.Strategy} order
     * @param needed how many candidates must be faster than expert-sum's least time before it
     *     is left untimed
     * @param forwardMs runs one candidate's forward once and returns its milliseconds
     */
    private static void forwardRounds(List<DynamicConv2d.Strategy> candidates, ConvProblem p,
            double[] ms, int needed, ToDoubleFunction<DynamicConv2d.Strategy> forwardMs) {
        List<DynamicConv2d.Strategy> timed = new ArrayList<>();
        for (DynamicConv2d.Strategy s : candidates) {
            if (notWorthTiming(s, p, ms, needed)) {
                ms[s.ordinal()] = CANNOT_WIN;
            } else {
                ms[s.ordinal()] = reached(p, forwardMs.applyAsDouble(s));
                timed.add(s);
            }
        }
        againWhileCheap(timed, () -> sum(timed, ms), s -> ms[s.ordinal()] = Math.min(
                ms[s.ordinal()], reached(p, forwardMs.applyAsDouble(s))));
    }

    /**
     * Runs a round of candidates again, each time in the reverse order of the round before (so
     * that none always runs first after the same one), while a round is cheap, up to
     * {@link #CHEAP_ROUNDS} rounds counting the one already run. Each run keeps its candidate's
     * fastest time itself.
     *
     * @param timed the candidates of the round already run, in its order
     * @param roundMs what a round costs, from the fastest times so far; rounds go on while it is
     *     below {@link #CHEAP_ROUND_MS}
     * @param run runs one candidate once and records its time
     */
    static void againWhileCheap(List<DynamicConv2d.Strategy> timed, DoubleSupplier roundMs,
            Consumer<DynamicConv2d.Strategy> run) {
        List<DynamicConv2d.Strategy> order = new ArrayList<>(timed);
        for (int round = 1; round < CHEAP_ROUNDS && order.size() > 1
                && roundMs.getAsDouble() < CHEAP_ROUND_MS; round++) {
            Collections.reverse(order);
            order.forEach(run);
        }
    }

    /**
     * Runs the first candidate's forward once, untimed, before a geometry's training candidates
     * are timed: the first run at a geometry pays for what the candidates then share (memory of
     * the geometry's sizes touched for the first time, the data's first use), which would
     * otherwise be charged to whichever candidate is timed first. On an AMD EPYC that was
     * grouped, which then lost in its forward at 64 channels, 64 x 64, and never had its backward
     * timed, though it is the fastest there in training. Over fresh tunings of resnet18-unet
     * there, the choices cost 36 ms per training step more than the best choice per geometry (28
     * tunings), against 61 ms without this run (22 tunings), for 0.2 s more tuning
     * (BENCHMARKS.md). Inference rounds do without: there the run gained nothing measurable (the
     * choices of six inference-only tunings cost 11 ms over the best against 12 without) for
     * 0.16 s more.
     */
    private static void warmUp(List<DynamicConv2d.Strategy> candidates, ConvProblem p,
            NDManager m, ConvProblem.Data data) {
        try (NDManager run = m.newSubManager()) {
            p.forward(candidates.get(0), run, data);
        }
    }

    /**
     * Whether timing a candidate can change nothing: its forward takes at least
     * {@code boundMs}, beyond {@link #CONTENDS_WITHIN} of the fastest forward timed so far, and
     * {@code needed} candidates were already faster (the finalists of training, the winner of
     * inference).
     *
     * @param boundMs the least time the candidate's forward can take
     * @param forward the forwards timed so far, NaN where not timed
     * @param needed how many candidates must be faster than the bound
     * @return true when the candidate need not be timed
     */
    static boolean cannotWin(double boundMs, double[] forward, int needed) {
        double fastest = Double.POSITIVE_INFINITY;
        int faster = 0;
        for (double t : forward) {
            if (!Double.isNaN(t) && t != CANNOT_WIN) {
                fastest = Math.min(fastest, t);
                faster += t < boundMs ? 1 : 0;
            }
        }
        return faster >= needed && boundMs > CONTENDS_WITHIN * fastest;
    }

    /**
     * Whether a candidate is left untimed ({@link #CANNOT_WIN}) because its work alone loses:
     * im2col-bmm where it {@link #unfoldsTooMuch}, expert-sum where its outputs
     * {@link #outweighKernels} or its least time {@link #cannotWin} against the forwards timed
     * so far.
     *
     * @param s the candidate
     * @param p the problem
     * @param forward the forwards timed so far, NaN where not timed
     * @param needed how many candidates must be faster than expert-sum's least time
     * @return true when it is not timed
     */
    private static boolean notWorthTiming(DynamicConv2d.Strategy s, ConvProblem p,
            double[] forward, int needed) {
        return unfoldsTooMuch(s, p) || s == DynamicConv2d.Strategy.EXPERT_SUM
                && (outweighKernels(p) || cannotWin(expertSumBoundMs(p), forward, needed));
    }

    /**
     * Why a candidate recorded as {@link #CANNOT_WIN} was not timed ({@link #notWorthTiming}).
     *
     * @param s the candidate
     * @return the reason, for a decision's line
     */
    static String whyNotTimed(DynamicConv2d.Strategy s) {
        return s == DynamicConv2d.Strategy.EXPERT_SUM ? "K times the work or the output"
                : "unfolds more than the kernels";
    }

    /**
     * Whether a candidate is left untimed because it copies more than the convolution's operands:
     * {@link DynamicConv2d.Strategy#IM2COL_BMM} where each sample's unfolded input is larger than
     * its kernel (more output pixels than output channels). The grouped convolution does the same
     * multiply-adds without that copy; im2col-bmm is for maps so small that the kernels outweigh
     * the activations. A workspace limit, as cuDNN's benchmark mode has, not a timing: where it
     * holds, im2col-bmm's forward and backward measured 1.6-4.0x the fastest candidate's on both
     * CPUs measured (an Intel Xeon in NCHW, an AMD EPYC in channels-last), and timing it there
     * cost about 7 % of resnet18-unet's tuning on the AMD EPYC (BENCHMARKS.md).
     *
     * @param s the candidate
     * @param p the problem
     * @return true when it is not timed
     */
    static boolean unfoldsTooMuch(DynamicConv2d.Strategy s, ConvProblem p) {
        return s == DynamicConv2d.Strategy.IM2COL_BMM && p.unfoldedBytes() > p.kernelBytes();
    }

    /**
     * Whether {@link DynamicConv2d.Strategy#EXPERT_SUM} is left untimed because the K outputs it
     * convolves into, one per expert, are larger than the per-sample kernels the other
     * strategies mix (K output pixels per kernel value: {@code K H' W' > C/groups kh kw}). It
     * then pays more memory traffic than they do as well as K times their multiply-adds, and the
     * per-sample strategy's batch-1 convolutions, over as many output pixels, are no small
     * matrices. A workspace limit, as {@link #unfoldsTooMuch} is; the multiply-adds bound
     * ({@link #expertSumBoundMs}) misses these geometries, 1 x 1 convolutions and few channels
     * over large maps, where the output's traffic and not the arithmetic decides. On an AMD
     * EPYC, at the 17 geometries of mobilenetv2-unet and resnet18x0.25-unet where this holds and
     * expert-sum had been timed, it took 1.6 to 18 times the fastest candidate's forward (206.7
     * against 11.5 ms at 16 -> 96 channels, 1 x 1, 128 x 128); four fresh tunings of
     * mobilenetv2-unet each, alternated, took 1.88 s on average timing it and 1.60 s without
     * (BENCHMARKS.md).
     *
     * @param p the problem
     * @return true when expert-sum is not timed
     */
    static boolean outweighKernels(ConvProblem p) {
        return p.experts() * p.batch() * p.kernel().get(0) * p.outPixels() * Float.BYTES
                > p.kernelBytes();
    }

    /**
     * The least time {@link DynamicConv2d.Strategy#EXPERT_SUM}'s forward can take: K times the
     * multiply-adds, at {@link #BEYOND_DENSE} times the best rate of a dense convolution here
     * (measured, or reached by a timed candidate, whichever is higher).
     */
    static double expertSumBoundMs(ConvProblem p) {
        ConvLayout layout = EngineSetup.active().layout(p.training());
        double rate = Math.max(denseRate(layout), REACHED.getOrDefault(rateKey(layout), 0.0));
        return (double) p.experts() * p.madds() / (BEYOND_DENSE * rate * 1e6);
    }

    /**
     * The best rate of a dense 3 x 3 convolution (256 channels, 16 x 16, batch 8, the input in
     * the layout) over three forwards, in GMAC/s: what this machine's engine reaches on a
     * convolution it runs well. Measured once per process, configuration and layout (about
     * 40 ms).
     *
     * @param layout the layout
     * @return GMAC/s
     */
    static double denseRate(ConvLayout layout) {
        return DENSE_RATE.computeIfAbsent(rateKey(layout),
                k -> measureDenseRate(layout));
    }

    /**
     * Takes a dense rate as if measured (tests: a measurement that came out low).
     *
     * @param layout the layout
     * @param gmacs GMAC/s
     */
    static void assumeDenseRate(ConvLayout layout, double gmacs) {
        DENSE_RATE.put(rateKey(layout), gmacs);
    }

    private static String rateKey(ConvLayout layout) {
        return EngineSetup.active() + " " + layout;
    }

    /**
     * Notes the rate a timed forward reached (its multiply-adds over its time, mixing included).
     *
     * @return {@code ms}
     */
    private static double reached(ConvProblem p, double ms) {
        REACHED.merge(rateKey(EngineSetup.active().layout(p.training())), p.madds() / (ms * 1e6),
                Math::max);
        return ms;
    }

    private static double measureDenseRate(ConvLayout layout) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        Shape one = new Shape(1, 1);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            NDArray nchw = m.ones(new Shape(8, 256, 16, 16));
            NDArray x = layout == ConvLayout.CHANNELS_LAST ? EngineConv.channelsLast(nchw) : nchw;
            NDArray w = m.ones(new Shape(256, 256, 3, 3)).mul(0.01f);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                try (NDArray y = EngineConv.conv2d(layout, x, w, null, one, one, one, 1)) {
                    Completion.await(y);
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            return 8.0 * 256 * 256 * 9 * 256 / (best * 1e6);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * The candidate worth timing again: the runner-up, when it is within {@link #RERUN_WITHIN}
     * of the fastest and was timed before it (none otherwise). The costs a first run pays and a
     * later one does not (memory touched for the first time, what the engine sets up once) only
     * ever slow the earlier of two candidates: a best timed first won despite them, and a
     * runner-up timed first may have lost to them. Rerunning the best too, and the runner-up
     * whatever its place, had cost 10 % of resnet18-unet's tuning on an AMD EPYC: 24 fresh
     * tunings each, alternated, took 2.10 s against 1.90 s with this rule, and their choices cost
     * 23 against 19 ms per training step and 8 against 8 ms per inference over the best per
     * geometry (BENCHMARKS.md).
     *
     * @param candidates the candidates, in the order they were timed
     * @param ms their times in {@link DynamicConv2d.Strategy} order
     * @return the runner-up, or empty
     */
    static List<DynamicConv2d.Strategy> worthRerunning(List<DynamicConv2d.Strategy> candidates,
            double[] ms) {
        List<DynamicConv2d.Strategy> byTime = new ArrayList<>(candidates);
        byTime.sort(java.util.Comparator.comparingDouble(s -> ms[s.ordinal()]));
        if (byTime.size() < 2) {
            return List.of();
        }
        DynamicConv2d.Strategy best = byTime.get(0);
        DynamicConv2d.Strategy runnerUp = byTime.get(1);
        boolean close = ms[runnerUp.ordinal()] <= RERUN_WITHIN * ms[best.ordinal()];
        return close && candidates.indexOf(runnerUp) < candidates.indexOf(best)
                ? List.of(runnerUp) : List.of();
    }

    private static double sum(List<DynamicConv2d.Strategy> timed, double[] ms) {
        return timed.stream().mapToDouble(s -> ms[s.ordinal()]).sum();
    }

    private static double[] untimed() {
        double[] ms = new double[DynamicConv2d.Strategy.values().length];
        java.util.Arrays.fill(ms, Double.NaN);
        return ms;
    }

    /**
     * One run of a candidate, run once more when the process faulted in more than
     * {@link #FRESH_PAGES} pages meanwhile, keeping the faster forward and the faster whole run.
     * Where freed memory is kept ({@link NativeMemory#kept}), such faults are the process's first
     * use of that much memory, paid once by whichever run needs it first, not a cost of the
     * candidate: on an AMD EPYC, im2col-bmm's first forward and backward at 512 channels 16 x 16
     * took 343 ms while the process faulted 38,370 pages, against 113 ms in steady state, and
     * in four fresh tunings per-sample (145 ms) won there every time, three of them because
     * im2col-bmm's first forward faulted (BENCHMARKS.md). Without kept memory every run faults,
     * and the faults are part of each candidate's cost.
     */
    private static ConvProblem.Run once(ConvProblem p, DynamicConv2d.Strategy s,
            NDManager parent, ConvProblem.Data data, boolean backward) {
        return againIfFaulted(() -> runIn(p, s, parent, data, backward),
                NativeMemory::minorFaults, NativeMemory.kept());
    }

    /**
     * {@link #once}'s rule, given the run and the fault counter.
     *
     * @param run one run
     * @param faults the process's page faults so far, negative where unknown
     * @param kept whether freed memory is kept
     * @return the run, or the faster of two where the first faulted fresh memory
     */
    static ConvProblem.Run againIfFaulted(Supplier<ConvProblem.Run> run, LongSupplier faults,
            boolean kept) {
        long before = faults.getAsLong();
        ConvProblem.Run r = run.get();
        if (before < 0 || !kept || faults.getAsLong() - before <= FRESH_PAGES) {
            return r;
        }
        ConvProblem.Run again = run.get();
        return new ConvProblem.Run(Math.min(r.forwardMs(), again.forwardMs()),
                Math.min(r.totalMs(), again.totalMs()));
    }

    private static ConvProblem.Run runIn(ConvProblem p, DynamicConv2d.Strategy s,
            NDManager parent, ConvProblem.Data data, boolean backward) {
        try (NDManager run = parent.newSubManager()) {
            return p.run(s, run, data, backward);
        }
    }
}
