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
}
