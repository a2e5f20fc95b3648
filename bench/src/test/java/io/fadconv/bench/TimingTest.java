package io.fadconv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Round-robin timing: the order candidates run in, and which rounds are kept. */
class TimingTest {

    @Test
    void theFirstRoundRunsInTheGivenOrderAndEveryOtherRoundReversed() {
        for (int warmup = 0; warmup <= 2; warmup++) {
            List<String> order = new ArrayList<>();
            double[] next = {0};
            List<Supplier<Double>> candidates = new ArrayList<>();
            for (String name : List.of("train", "infer", "folded")) {
                candidates.add(() -> {
                    order.add(name);
                    return ++next[0];
                });
            }
            double[][] t = Timing.interleaved(candidates, warmup, 2);
            assertThat(order).as("warmup " + warmup).hasSize(3 * (warmup + 2));
            assertThat(order.subList(0, 3)).as("first round, warmup " + warmup)
                    .containsExactly("train", "infer", "folded");
            assertThat(order.subList(3, 6)).containsExactly("folded", "infer", "train");
            // only the timed rounds are kept: the last two rounds' values, by candidate
            int firstTimed = 3 * warmup;
            int timed0 = (warmup & 1) == 0 ? 0 : 2; // index within the round of candidate 0
            assertThat(t[0][0]).isEqualTo(firstTimed + timed0 + 1);
            assertThat(t).hasDimensions(3, 2);
        }
    }

    @Test
    void untimedRoundsGoOnUntilTheWarmUpTimeHasPassed() {
        List<String> order = new ArrayList<>();
        List<Supplier<Double>> candidates = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            candidates.add(() -> {
                order.add(name);
                long until = System.nanoTime() + 5_000_000; // 5 ms a run, 10 ms a round
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return (double) order.size();
            });
        }
        long t0 = System.nanoTime();
        double[][] t = Timing.interleaved(candidates, 1, 0.1, 3);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int untimed = order.size() / 2 - 3;
        // 0.1 s of 10 ms rounds: about ten untimed rounds (fewer if the host stalls a run), not
        // the one asked for
        assertThat(untimed).isBetween(2, 11);
        assertThat(seconds).isGreaterThanOrEqualTo(0.1 + 0.03);
        assertThat(t).hasDimensions(2, 3);
        // the alternation goes on across the boundary: the first timed round is untimed + 1-th
        int first = 2 * untimed;
        boolean reversed = (untimed & 1) == 1;
        assertThat(order.subList(first, first + 2))
                .containsExactly(reversed ? "b" : "a", reversed ? "a" : "b");
        assertThat(t[0][0]).isEqualTo(first + (reversed ? 2 : 1));
        // no warm-up time: exactly the rounds asked for
        order.clear();
        Timing.interleaved(candidates, 1, 0, 3);
        assertThat(order).hasSize(2 * (1 + 3));
    }
}
