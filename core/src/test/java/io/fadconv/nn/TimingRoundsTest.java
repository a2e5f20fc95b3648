package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rounds that time one geometry's candidates: who is timed, how often, and what wins. */
class TimingRoundsTest {

    private static final Shape ONE = new Shape(1, 1);

    /** Candidates of {@link #smallProblem}, im2col-bmm among them though it is never run. */
    private static final List<DynamicConv2d.Strategy> FOUR = List.of(
            DynamicConv2d.Strategy.GROUPED, DynamicConv2d.Strategy.CHUNKED_GROUPED,
            DynamicConv2d.Strategy.IM2COL_BMM, DynamicConv2d.Strategy.PER_SAMPLE);

    @BeforeEach
    void startAfresh() {
        TimingRounds.clear();
    }

    @AfterEach
    void forgetTheFakeRates() {
        TimingRounds.clear();
    }

    @Test
    void aCandidateIsLeftUntimedOnlyWhereItsLeastTimeCannotChangeTheOutcome() {
        double nan = Double.NaN;
        double[] forward = {10, 12, nan, 30, nan, nan};
        assertThat(TimingRounds.cannotWin(20, forward, 2))
                .as("two forwards faster than 20 ms, and 20 > 1.15 x 10").isTrue();
        assertThat(TimingRounds.cannotWin(11.4, forward, 1))
                .as("within 1.15 x the fastest, it still contends").isFalse();
        assertThat(TimingRounds.cannotWin(11.6, forward, 1)).isTrue();
        assertThat(TimingRounds.cannotWin(11, forward, 2))
                .as("only one forward faster: it could be a finalist").isFalse();
        assertThat(TimingRounds.cannotWin(13, new double[] {10, nan, TimingRounds.CANNOT_WIN}, 2))
                .as("a candidate left untimed is not a faster one").isFalse();
        assertThat(TimingRounds.cannotWin(13, new double[] {nan, nan}, 0))
                .as("nothing timed yet").isFalse();
    }

    @Test
    void onlyACloseRunnerUpTimedBeforeTheBestIsTimedAgain() {
        double nan = Double.NaN;
        List<DynamicConv2d.Strategy> all = List.of(DynamicConv2d.Strategy.values());
        // in Strategy order: GROUPED, CHUNKED_GROUPED, GROUPED_NCHW, IM2COL_BMM, PER_SAMPLE,
        // EXPERT_SUM
        assertThat(TimingRounds.worthRerunning(all, new double[] {10.5, 10, 10.8, 30,
                Double.POSITIVE_INFINITY, TimingRounds.CANNOT_WIN}))
                .as("grouped ran first and may have paid the first-use costs; the third, though "
                        + "close, is not timed again")
                .containsExactly(DynamicConv2d.Strategy.GROUPED);
        assertThat(TimingRounds.worthRerunning(all, new double[] {10, 10.5, 10.8, 30, 30, 30}))
                .as("the best ran first: it won despite what a first run pays").isEmpty();
        assertThat(TimingRounds.worthRerunning(all, new double[] {11.5, 10, 30, 30, 30, 30}))
                .as("the runner-up is 15 % behind: the first runs decided").isEmpty();
        assertThat(TimingRounds.worthRerunning(all, new double[] {30, 30, 30, 30, 10.9, 10}))
                .as("within 10 %, timed before the best").containsExactly(
                        DynamicConv2d.Strategy.PER_SAMPLE);
        assertThat(TimingRounds.worthRerunning(all, new double[] {30, 30, 30, 30, 11.1, 10}))
                .as("just beyond 10 %").isEmpty();
        assertThat(TimingRounds.worthRerunning(
                List.of(DynamicConv2d.Strategy.PER_SAMPLE, DynamicConv2d.Strategy.GROUPED),
                new double[] {10, nan, nan, nan, 10.5, nan}))
                .as("the order they were timed in decides, not the strategies' order")
                .containsExactly(DynamicConv2d.Strategy.PER_SAMPLE);
        assertThat(TimingRounds.worthRerunning(List.of(DynamicConv2d.Strategy.GROUPED),
                new double[] {10, nan, nan, nan, nan, nan})).as("a single candidate").isEmpty();
    }

    @Test
    void aRunThatFaultedInFreshMemoryRunsOnceMoreAndKeepsTheFasterTimes() {
        java.util.Iterator<ConvProblem.Run> runs = List.of(new ConvProblem.Run(50, 340),
                new ConvProblem.Run(33, 113), new ConvProblem.Run(99, 999)).iterator();
        java.util.concurrent.atomic.AtomicLong faults =
                new java.util.concurrent.atomic.AtomicLong();
        // the first run faults 38,370 pages, the second none
        ConvProblem.Run r = TimingRounds.againIfFaulted(() -> {
            ConvProblem.Run next = runs.next();
            faults.addAndGet(next.forwardMs() == 50 ? 38_370 : 0);
            return next;
        }, faults::get, true);
        assertThat(r).isEqualTo(new ConvProblem.Run(33, 113));
        assertThat(runs.next().forwardMs()).as("run twice, not three times").isEqualTo(99);

        long[] steady = {0, TimingRounds.FRESH_PAGES}; // exactly at the bound: not again
        int[] calls = new int[1];
        java.util.function.Supplier<ConvProblem.Run> counted = () -> {
            calls[0]++;
            return new ConvProblem.Run(10, 30);
        };
        java.util.Iterator<Long> at = java.util.Arrays.stream(steady).iterator();
        assertThat(TimingRounds.againIfFaulted(counted, at::next, true))
                .isEqualTo(new ConvProblem.Run(10, 30));
        long[] many = {0, 50_000};
        java.util.Iterator<Long> unkept = java.util.Arrays.stream(many).iterator();
        TimingRounds.againIfFaulted(counted, unkept::next, false);
        java.util.Iterator<Long> unknown = java.util.Arrays.stream(new long[] {-1, 50_000})
                .iterator();
        TimingRounds.againIfFaulted(counted, unknown::next, true);
        assertThat(calls[0]).as("without kept memory, or with faults unknown, the faults are "
                + "the candidate's own: once each").isEqualTo(3);
    }

    @Test
    void theDenseRateIsMeasuredOncePerLayoutAndIsARateAMachineReaches() {
        Djl.engine();
        for (io.fadconv.engine.ConvLayout layout : io.fadconv.engine.ConvLayout.values()) {
            double rate = TimingRounds.denseRate(layout);
            // 2 cores: well above a scalar loop (~1 GMAC/s), below 2 x 64 MAC/cycle at 5 GHz
            assertThat(rate).as(layout.name()).isBetween(2.0, 640.0);
            assertThat(TimingRounds.denseRate(layout)).as("remembered").isEqualTo(rate);
        }
    }

    @Test
    void expertSumIsNeverRunWhereItsOutputsOutweighTheKernels() {
        Djl.engine();
        // 16 -> 96 channels, 1 x 1, at 32 x 32 with 4 experts: 4 x 1024 outputs per kernel value
        // of 16; its multiply-adds alone would not rule it out against forwards of 50 ms
        ConvProblem p = new ConvProblem(new Shape(8, 16, 32, 32), new Shape(96, 16, 1, 1), ONE,
                new Shape(0, 0), ONE, 1, 4, true);
        List<DynamicConv2d.Strategy> candidates = List.of(DynamicConv2d.Strategy.GROUPED,
                DynamicConv2d.Strategy.PER_SAMPLE, DynamicConv2d.Strategy.EXPERT_SUM);
        assertThat(TimingRounds.cannotWin(TimingRounds.expertSumBoundMs(p),
                new double[] {50, 50}, 1)).as("the multiply-adds bound").isFalse();
        List<String> runs = new java.util.ArrayList<>();
        double[][] t = TimingRounds.trainingRounds(candidates, p,
                fakeRuns(Map.of("GROUPED", 50.0, "PER_SAMPLE", 60.0, "EXPERT_SUM", 1.0),
                        Map.of("GROUPED", 30.0, "PER_SAMPLE", 30.0, "EXPERT_SUM", 1.0), runs));
        assertThat(runs).containsExactly("GROUPED", "PER_SAMPLE");
        int es = DynamicConv2d.Strategy.EXPERT_SUM.ordinal();
        assertThat(t[0][es]).isEqualTo(TimingRounds.CANNOT_WIN);
        assertThat(t[1][es]).isEqualTo(TimingRounds.CANNOT_WIN);
    }

    @Test
    void aForwardAloneWithinTheWindowWinsWithoutABackwardAndContendersRaceWhole() {
        Djl.engine();
        ConvProblem p = smallProblem();
        List<DynamicConv2d.Strategy> candidates = FOUR;
        int im2col = DynamicConv2d.Strategy.IM2COL_BMM.ordinal();
        int g = DynamicConv2d.Strategy.GROUPED.ordinal();
        int c = DynamicConv2d.Strategy.CHUNKED_GROUPED.ordinal();
        int ps = DynamicConv2d.Strategy.PER_SAMPLE.ordinal();

        // times long enough that no round is cheap (TimingRounds.CHEAP_ROUND_MS)
        // grouped's forward is 1.2x ahead of the next: nothing can overtake it, no backward runs
        List<String> runs = new java.util.ArrayList<>();
        double[][] alone = TimingRounds.trainingRounds(candidates, p,
                fakeRuns(Map.of("GROUPED", 100.0, "CHUNKED_GROUPED", 120.0, "PER_SAMPLE", 200.0),
                        Map.of("GROUPED", 300.0, "CHUNKED_GROUPED", 200.0, "PER_SAMPLE", 50.0),
                        runs));
        assertThat(runs).containsExactly("GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE");
        assertThat(alone[0][g]).isEqualTo(100.0);
        assertThat(alone[1][g]).as("its forward stands for it").isEqualTo(100.0);
        assertThat(TimingRounds.decidedByForward(alone[1])).isTrue();
        assertThat(alone[1][c]).isInfinite();
        assertThat(alone[1][ps]).isInfinite();
        assertThat(alone[0][im2col]).isEqualTo(TimingRounds.CANNOT_WIN);
        assertThat(alone[1][im2col]).as("shown as not timed, not as lost")
                .isEqualTo(TimingRounds.CANNOT_WIN);

        // chunked within 1.15x of grouped's forward: both run forward and backward, and chunked's
        // cheaper backward wins; 400 against 310 ms is beyond the rerun window
        runs.clear();
        double[][] race = TimingRounds.trainingRounds(candidates, p,
                fakeRuns(Map.of("GROUPED", 100.0, "CHUNKED_GROUPED", 110.0, "PER_SAMPLE", 200.0),
                        Map.of("GROUPED", 300.0, "CHUNKED_GROUPED", 200.0, "PER_SAMPLE", 50.0),
                        runs));
        assertThat(runs).containsExactly("GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE",
                "GROUPED+backward", "CHUNKED_GROUPED+backward");
        assertThat(race[1][g]).isEqualTo(400.0);
        assertThat(race[1][c]).isEqualTo(310.0);
        assertThat(race[1][ps]).isInfinite();
        assertThat(TimingRounds.decidedByForward(race[1])).isFalse();

        // grouped's whole run (400 ms) ran first and is within 10 % of chunked's (370 ms): grouped
        // alone runs again, and its second run, free of first-use costs, wins
        runs.clear();
        Map<String, Double> secondBackward = new java.util.HashMap<>(
                Map.of("GROUPED", 200.0, "CHUNKED_GROUPED", 260.0, "PER_SAMPLE", 50.0));
        Map<String, Double> firstBackward = Map.of("GROUPED", 300.0, "CHUNKED_GROUPED", 260.0,
                "PER_SAMPLE", 50.0);
        List<String> backwards = new java.util.ArrayList<>();
        double[][] rerun = TimingRounds.trainingRounds(candidates, p, (s, backward) -> {
            runs.add(s.name() + (backward ? "+backward" : ""));
            double f = Map.of("GROUPED", 100.0, "CHUNKED_GROUPED", 110.0, "PER_SAMPLE", 200.0)
                    .get(s.name());
            if (!backward) {
                return new ConvProblem.Run(f, Double.NaN);
            }
            boolean first = !backwards.contains(s.name());
            backwards.add(s.name());
            return new ConvProblem.Run(f, f + (first ? firstBackward : secondBackward)
                    .get(s.name()));
        });
        assertThat(runs).containsExactly("GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE",
                "GROUPED+backward", "CHUNKED_GROUPED+backward", "GROUPED+backward");
        assertThat(rerun[1][g]).as("its faster run counts").isEqualTo(300.0);
        assertThat(rerun[1][c]).isEqualTo(370.0);

        // grouped (360 ms) ran first and still won, chunked (370 ms) within 10 %: grouped won
        // despite what a first run pays, so nothing runs again
        runs.clear();
        double[][] decided = TimingRounds.trainingRounds(candidates, p,
                fakeRuns(Map.of("GROUPED", 100.0, "CHUNKED_GROUPED", 110.0, "PER_SAMPLE", 200.0),
                        Map.of("GROUPED", 260.0, "CHUNKED_GROUPED", 260.0, "PER_SAMPLE", 50.0),
                        runs));
        assertThat(runs).containsExactly("GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE",
                "GROUPED+backward", "CHUNKED_GROUPED+backward");
        assertThat(decided[1][g]).isEqualTo(360.0);
        assertThat(decided[1][c]).isEqualTo(370.0);
    }

    @Test
    void cheapRoundsRunAgainInReverseOrderAndEachCandidateKeepsItsFastest() {
        Djl.engine();
        ConvProblem p = smallProblem();
        List<DynamicConv2d.Strategy> candidates = FOUR;
        int g = DynamicConv2d.Strategy.GROUPED.ordinal();
        int c = DynamicConv2d.Strategy.CHUNKED_GROUPED.ordinal();

        // grouped's first forward pays a first use (9 ms) and would lose to chunked's 3 ms; its
        // later forwards take 2 ms, and nothing else comes within 1.15x of that
        List<String> runs = new java.util.ArrayList<>();
        Map<String, java.util.Deque<Double>> forwards = new java.util.HashMap<>(Map.of(
                "GROUPED", new java.util.ArrayDeque<>(List.of(9.0, 2.0, 2.0)),
                "CHUNKED_GROUPED", new java.util.ArrayDeque<>(List.of(3.0, 3.0, 3.0)),
                "PER_SAMPLE", new java.util.ArrayDeque<>(List.of(5.0, 5.0, 5.0))));
        double[][] t = TimingRounds.trainingRounds(candidates, p, (s, backward) -> {
            runs.add(s.name() + (backward ? "+backward" : ""));
            return new ConvProblem.Run(forwards.get(s.name()).pop(), Double.NaN);
        });
        assertThat(runs).as("three rounds, each in the reverse order of the one before; "
                + "im2col-bmm, never timed, not among them").containsExactly(
                "GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE",
                "PER_SAMPLE", "CHUNKED_GROUPED", "GROUPED",
                "GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE");
        assertThat(t[0][g]).isEqualTo(2.0);
        assertThat(t[1][g]).as("decided by its forward").isEqualTo(2.0);
        assertThat(TimingRounds.decidedByForward(t[1])).isTrue();

        // forwards within 1.15x of each other: the whole runs race, and as 3 x their forwards
        // is a cheap round, they race three times; grouped's first backward pays 30 ms
        runs.clear();
        java.util.Set<String> backwards = new java.util.HashSet<>();
        double[][] race = TimingRounds.trainingRounds(candidates, p, (s, backward) -> {
            runs.add(s.name() + (backward ? "+backward" : ""));
            double f = s == DynamicConv2d.Strategy.GROUPED ? 2.0 : 2.2;
            if (s == DynamicConv2d.Strategy.PER_SAMPLE) {
                return new ConvProblem.Run(9.0, backward ? 20.0 : Double.NaN);
            }
            double b = s == DynamicConv2d.Strategy.GROUPED
                    ? backwards.add(s.name()) ? 30.0 : 4.0 : 6.0;
            return new ConvProblem.Run(f, backward ? f + b : Double.NaN);
        });
        assertThat(runs.subList(9, runs.size())).containsExactly(
                "GROUPED+backward", "CHUNKED_GROUPED+backward",
                "CHUNKED_GROUPED+backward", "GROUPED+backward",
                "GROUPED+backward", "CHUNKED_GROUPED+backward");
        assertThat(race[1][g]).as("its later backward counts").isEqualTo(6.0);
        assertThat(race[1][c]).isEqualTo(8.2, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aRoundThatIsNotCheapRunsOnce() {
        Djl.engine();
        ConvProblem p = smallProblem();
        List<DynamicConv2d.Strategy> candidates = List.of(DynamicConv2d.Strategy.GROUPED,
                DynamicConv2d.Strategy.CHUNKED_GROUPED, DynamicConv2d.Strategy.PER_SAMPLE);
        List<String> runs = new java.util.ArrayList<>();
        // 20 + 25 + 30 ms of forwards is no cheap round; grouped alone contends
        TimingRounds.trainingRounds(candidates, p, fakeRuns(
                Map.of("GROUPED", 20.0, "CHUNKED_GROUPED", 25.0, "PER_SAMPLE", 30.0),
                Map.of("GROUPED", 40.0, "CHUNKED_GROUPED", 40.0, "PER_SAMPLE", 40.0), runs));
        assertThat(runs).containsExactly("GROUPED", "CHUNKED_GROUPED", "PER_SAMPLE");

        // a single candidate has nothing to race
        List<String> alone = new java.util.ArrayList<>();
        TimingRounds.againWhileCheap(List.of(DynamicConv2d.Strategy.GROUPED), () -> 1.0,
                s -> alone.add(s.name()));
        assertThat(alone).isEmpty();
    }

    /**
     * A training geometry of per-sample kernels with 64 output pixels and 8 output channels:
     * im2col-bmm unfolds too much and is never run.
     */
    private static ConvProblem smallProblem() {
        return new ConvProblem(new Shape(4, 8, 8, 8), new Shape(8, 8, 3, 3), ONE, ONE, ONE, 1, 0,
                true);
    }

    /** Runs that take the given times and note what ran. */
    private static TimingRounds.Runner fakeRuns(Map<String, Double> forwardMs,
            Map<String, Double> backwardMs, List<String> runs) {
        return (s, backward) -> {
            runs.add(s.name() + (backward ? "+backward" : ""));
            double f = forwardMs.get(s.name());
            return new ConvProblem.Run(f, backward ? f + backwardMs.get(s.name()) : Double.NaN);
        };
    }
}
