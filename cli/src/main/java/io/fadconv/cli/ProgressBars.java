package io.fadconv.cli;

import io.fadconv.infer.ProgressListener;
import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on the terminal for long core computations (one bar per task name), and nothing
 * when the output is not a terminal (scripts, tests, logs).
 */
final class ProgressBars implements ProgressListener, AutoCloseable {

    private final boolean enabled;
    private ProgressBar bar;
    private String task;

    private ProgressBars(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Bars when a terminal is attached.
     *
     * @return the listener; close it
     */
    static ProgressBars onTerminal() {
        return new ProgressBars(terminal());
    }

    /**
     * Whether bars are drawn: only with a terminal attached.
     *
     * @return true on a terminal
     */
    static boolean terminal() {
        return System.console() != null;
    }

    /**
     * Draws a bar over and over on one line of a writer (no newline: the owner ends the line).
     *
     * @param w the writer
     * @param width the bar's line width
     * @return the consumer for {@code ProgressBarBuilder.setConsumer}
     */
    static ProgressBarConsumer onLineOf(PrintWriter w, int width) {
        return new DelegatingProgressBarConsumer(s -> {
            synchronized (w) {
                w.print("\r" + s);
                w.flush();
            }
        }, width);
    }

    @Override
    public void update(long done, long total, String what) {
        if (!enabled) {
            return;
        }
        if (bar == null || !what.equals(task)) {
            close();
            task = what;
            bar = new ProgressBarBuilder().setTaskName(what).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
