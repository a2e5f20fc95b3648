package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.util.FilePaths;
import io.fadconv.workflow.BatchCna;
import io.fadconv.workflow.BatchFixture;
import io.fadconv.workflow.BatchListener;
import io.fadconv.workflow.LocalBatchEngine;
import io.fadconv.workflow.PairResult;
import io.fadconv.workflow.PairSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README: a batch's progress bar runs over the pixels of all pairs, with the pairs done
 * beside it; here drawn into a writer (on a terminal it is the command's stderr) while a real
 * batch runs: five pairs, one refused by the input checks, one failing while it is mapped.
 */
class BatchBarTest {

    @TempDir static Path tmp;

    @Test
    void theBarCountsEveryPairOfTheBatchTheFailedOnesBeside() throws Exception {
        BatchFixture fx = BatchFixture.write(tmp.resolve("fixture"));
        List<PairSpec> pairs = new ArrayList<>(fx.pairs); // a, b, shifted, c
        pairs.add(fx.corruptPair());
        Path out = tmp.resolve("out");
        Drawn first = run(fx, pairs, out, false);
        // both dates of the four pairs that pass the checks: 4 x 2 x 160 x 128 pixels
        assertThat(first.pixels()).containsExactly(163_840, 163_840);
        assertThat(first.lastFrame()).contains("cna 100%").contains("163/163 kP")
                .contains("pairs 5/5, 2 failed");
        assertThat(first.lines()).contains("  a: mapped in", "  shifted: FAILED: ",
                "  corrupt: FAILED: ");

        // Resumed with b's folder gone: a and c are reused, only b (and corrupt) are mapped,
        // and the bar still counts all five pairs.
        FilePaths.deleteTree(out.resolve("b"));
        Drawn resumed = run(fx, pairs, out, true);
        assertThat(resumed.pixels()).containsExactly(81_920, 81_920);
        assertThat(resumed.lastFrame()).contains("cna 100%").contains("81/81 kP")
                .contains("pairs 5/5, 2 failed");
        assertThat(resumed.lines()).contains("  a: complete from an earlier run",
                "  b: mapped in");
    }

    /** The bar counts whole units, so a batch under ten megapixels counts in a smaller one. */
    @Test
    void theBarCountsInAUnitThatFitsTheBatch() {
        assertThat(drawn(900)).contains("900/900 px").doesNotContain("MP");
        assertThat(drawn(640_000)).contains("640/640 kP");
        assertThat(drawn(25_000_000)).contains("25/25 MP");
    }

    /** The last frame of a bar over a batch of two pairs of this many pixels, all done. */
    private static String drawn(long pixels) {
        StringWriter bar = new StringWriter();
        try (BatchBar b = new BatchBar(new PrintWriter(new StringWriter()),
                new PrintWriter(bar, true))) {
            b.progress(pixels / 2, pixels, 1, 2);
            b.progress(pixels, pixels, 2, 2);
        }
        return new Drawn(bar.toString(), "", null).lastFrame();
    }

    /**
     * What a batch showed.
     *
     * @param bar the bar as drawn
     * @param lines the lines of the finished pairs
     * @param pixels the pixels done and to do the bar was last given
     */
    private record Drawn(String bar, String lines, long[] pixels) {
        /** What the bar shows last: the text after its last carriage return. */
        String lastFrame() {
            return bar.substring(bar.lastIndexOf('\r') + 1).strip();
        }
    }

    private static Drawn run(BatchFixture fx, List<PairSpec> pairs, Path out, boolean resume)
            throws Exception {
        StringWriter lines = new StringWriter();
        StringWriter bar = new StringWriter();
        long[] pixels = new long[2];
        try (BatchBar b = new BatchBar(new PrintWriter(lines, true), new PrintWriter(bar, true))) {
            BatchCna.run(fx.job(out), pairs, resume, new LocalBatchEngine(), new BatchListener() {
                @Override
                public void progress(long done, long total, int pairsDone, int all) {
                    pixels[0] = done;
                    pixels[1] = total;
                    b.progress(done, total, pairsDone, all);
                }

                @Override
                public void finished(PairResult r) {
                    b.finished(r);
                }
            });
        }
        return new Drawn(bar.toString(), lines.toString(), pixels);
    }
}
