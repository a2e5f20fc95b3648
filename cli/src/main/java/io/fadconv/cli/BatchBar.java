package io.fadconv.cli;

import io.fadconv.workflow.BatchListener;
import io.fadconv.workflow.PairResult;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of a batch: one bar over the pixels of all pairs (in megapixels, or a smaller
 * {@link Unit} for a small batch) with the pairs done and failed beside it (on a terminal only),
 * and one line per finished pair.
 */
final class BatchBar implements BatchListener, AutoCloseable {

    private final PrintWriter out;
    private final PrintWriter barOut;
    private ProgressBar bar;
    private int pairsDone;
    private int pairs;
    private int failed;

    /**
     * A display.
     *
     * @param out where the line of each finished pair goes
     * @param barOut where the bar is drawn, or null for no bar
     */
    BatchBar(PrintWriter out, PrintWriter barOut) {
        this.out = out;
        this.barOut = barOut;
    }

    /**
     * Lines on {@code out}, and the bar on {@code err} when a terminal is attached.
     *
     * @param out the command's output
     * @param err the command's error output
     * @return the display; close it
     */
    static BatchBar onTerminal(PrintWriter out, PrintWriter err) {
        return new BatchBar(out, ProgressBars.terminal() ? err : null);
    }

    @Override
    public synchronized void progress(long done, long total, int pairsDone, int pairs) {
        if (barOut == null) {
            return;
        }
        if (bar == null) {
            Unit unit = Unit.fitting(total);
            bar = new ProgressBarBuilder().setTaskName("cna").setInitialMax(total)
                    .setUnit(unit.name(), unit.size()).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setConsumer(ProgressBars.onLineOf(barOut, 100)).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
        this.pairsDone = pairsDone;
        this.pairs = pairs;
        showPairs();
    }

    /**
     * The unit the bar counts in. The bar shows whole units, so a batch of 0.16 megapixels
     * read "0/0 MP": the largest unit of which the batch holds at least ten is taken.
     *
     * @param name the unit's name after the counts
     * @param size pixels per unit
     */
    record Unit(String name, long size) {

        /**
         * The unit for a batch.
         *
         * @param pixels the batch's pixels
         * @return megapixels, kilopixels or pixels
         */
        static Unit fitting(long pixels) {
            if (pixels >= 10_000_000) {
                return new Unit(" MP", 1_000_000);
            }
            return pixels >= 10_000 ? new Unit(" kP", 1_000) : new Unit(" px", 1);
        }
    }

    private void showPairs() {
        if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, "pairs %d/%d%s", pairsDone, pairs,
                    failed > 0 ? ", " + failed + " failed" : ""));
        }
    }

    @Override
    public synchronized void finished(PairResult r) {
        if (!r.ok()) {
            failed++;
            showPairs();
        }
        String what = switch (r.status()) {
            case MAPPED -> String.format(Locale.ROOT, "mapped in %.1f s, cropland loss %.2f ha",
                    r.seconds(), r.statistics().hectares(r.statistics().lossPixels()));
            case REUSED -> String.format(Locale.ROOT, "complete from an earlier run, cropland "
                    + "loss %.2f ha", r.statistics().hectares(r.statistics().lossPixels()));
            case FAILED -> "FAILED: " + r.error();
        };
        out.println("  " + r.pair().id() + ": " + what);
        out.flush();
    }

    /** Ends the bar, if any, leaving its last state on its line. */
    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
            synchronized (barOut) {
                barOut.println();
                barOut.flush();
            }
        }
    }
}
