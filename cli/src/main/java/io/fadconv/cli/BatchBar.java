package io.fadconv.cli;

import io.fadconv.workflow.BatchListener;
import io.fadconv.workflow.PairResult;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of a batch: one bar over the megapixels of all pairs with the pairs done beside
 * it (on a terminal only), and one line per finished pair.
 */
final class BatchBar implements BatchListener, AutoCloseable {

    private final PrintWriter out;
    private final boolean enabled;
    private ProgressBar bar;
    private int failed;

    BatchBar(PrintWriter out) {
        this.out = out;
        this.enabled = System.console() != null;
    }

    @Override
    public synchronized void progress(long done, long total, int pairsDone, int pairs) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("cna").setInitialMax(total)
                    .setUnit(" MP", 1_000_000).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(String.format(Locale.ROOT, "pairs %d/%d%s", pairsDone, pairs,
                failed > 0 ? ", " + failed + " failed" : ""));
    }

    @Override
    public synchronized void finished(PairResult r) {
        if (!r.ok()) {
            failed++;
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

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
