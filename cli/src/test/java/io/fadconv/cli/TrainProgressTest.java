package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without a terminal (a log, CI, this test) training progress is plain lines on stderr, a tenth
 * of an epoch apart, not a bar redrawn with carriage returns.
 */
class TrainProgressTest {

    @Test
    void offATerminalProgressIsPlainLinesATenthOfAnEpochApart() {
        assumeTrue(System.console() == null, "run with a terminal attached");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        TrainProgress p = new TrainProgress(new PrintWriter(out, true), new PrintWriter(err, true),
                "tiny");
        p.epochStarted(1, 2, 25, 0, 4);
        for (int step = 1; step <= 25; step++) {
            p.stepFinished(1, step, 25, 0.5, 12.0);
        }
        p.closeBar();
        assertThat(err.toString()).doesNotContain("\r");
        List<String> lines = err.toString().lines().toList();
        // every third step (a tenth of 25, rounded up) and the last
        assertThat(lines).hasSize(9);
        assertThat(lines.get(0)).startsWith("  tiny epoch 1/2: 12/100 tiles, 12.0 tiles/s, "
                + "loss 0.5000, run ETA ");
        assertThat(lines.get(7)).startsWith("  tiny epoch 1/2: 96/100 tiles,");
        assertThat(lines.get(8)).startsWith("  tiny epoch 1/2: 100/100 tiles,");
        assertThat(out.toString()).isEmpty();
    }
}
