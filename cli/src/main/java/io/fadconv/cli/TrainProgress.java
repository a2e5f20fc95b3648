package io.fadconv.cli;

import io.fadconv.eval.MetricsFormat;
import io.fadconv.train.EpochMetrics;
import io.fadconv.train.Experiment;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a training run: a progress bar per epoch on stderr (tiles done, tiles/s, the epoch's ETA,
 * the last loss and the whole run's ETA), and one line per finished epoch on stdout. Without a
 * terminal (a log, CI) a bar's redrawn line would pile up, so stderr gets plain lines instead,
 * at most {@value #LINES_PER_EPOCH} per epoch.
 */
final class TrainProgress implements Experiment.Listener {

    /** At most this many plain progress lines per epoch without a terminal. */
    static final int LINES_PER_EPOCH = 10;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private String prefix;
    private ProgressBar bar;
    private int batch;
    private int steps;
    private int epochs;
    private int epoch;
    private long runStart = System.nanoTime();
    private int stepsDone;
    private int stepsLeftAtStart = -1;

    /**
     * A progress display: a bar when a terminal is attached, plain lines otherwise.
     *
     * @param out where epoch lines go
     * @param err where the bar or the progress lines go
     * @param prefix a label before the bar's task name (e.g. the run name), or ""
     */
    TrainProgress(PrintWriter out, PrintWriter err, String prefix) {
        this.out = out;
        this.err = err;
        this.terminal = ProgressBars.terminal();
        this.prefix = prefix.isEmpty() ? "" : prefix + " ";
    }

    @Override
    public void runStarting(int index, int count, String label, java.nio.file.Path folder,
            boolean reused) {
        closeBar();
        prefix = label + " ";
        stepsLeftAtStart = -1;
        stepsDone = 0;
        out.printf(Locale.ROOT, "[%d/%d] %s -> %s%s%n", index, count, label, folder,
                reused ? " (finished before with the same config: reused, not retrained)" : "");
        out.flush();
    }

    @Override
    public void evaluated(Experiment.Entry e) {
        out.printf(Locale.ROOT, "  evaluated %s on its %s part (%d tiles)%n", e.label(),
                e.evaluation().part(), e.evaluation().tiles());
        out.flush();
    }

    @Override
    public void message(String line) {
        closeBar();
        out.println("  " + line);
        out.flush();
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps, int firstStep, int batch) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
        this.batch = batch;
        if (stepsLeftAtStart < 0) {
            stepsLeftAtStart = (epochs - epoch + 1) * steps - firstStep;
            runStart = System.nanoTime();
        }
        closeBar();
        if (!terminal) {
            return;
        }
        bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "%sepoch %d/%d", prefix, epoch, epochs))
                .setInitialMax((long) steps * batch)
                .setUnit(" tiles", 1)
                .showSpeed(new java.text.DecimalFormat("0.0"))
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(ProgressBars.onLineOf(err, 118))
                .build();
        bar.stepTo((long) firstStep * batch);
    }

    @Override
    public void stepFinished(int epoch, int step, int steps, double loss, double tilesPerSecond) {
        stepsDone++;
        if (bar != null) {
            bar.stepTo((long) step * batch);
            bar.setExtraMessage(String.format(Locale.ROOT, "  loss %.4f, run ETA %s", loss,
                    runEta()));
        } else if (!terminal && (step % linesEvery(steps) == 0 || step == steps)) {
            err.printf(Locale.ROOT, "  %sepoch %d/%d: %d/%d tiles, %.1f tiles/s, loss %.4f, "
                    + "run ETA %s%n", prefix, epoch, epochs, (long) step * batch,
                    (long) steps * batch, tilesPerSecond, loss, runEta());
            err.flush();
        }
    }

    /** Steps between plain progress lines: a tenth of the epoch, at least one. */
    private static int linesEvery(int steps) {
        return Math.max(1, (steps + LINES_PER_EPOCH - 1) / LINES_PER_EPOCH);
    }

    private String runEta() {
        if (stepsDone == 0) {
            return "?";
        }
        double perStep = (System.nanoTime() - runStart) / 1e9 / stepsDone;
        long s = Math.round(perStep * Math.max(0, stepsLeftAtStart - stepsDone));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void validating(int epoch, int tiles, int total) {
        if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, "  validating %d/%d", tiles, total));
        }
    }

    @Override
    public void epochFinished(EpochMetrics m, boolean best) {
        closeBar();
        var t = m.validation().targetClass();
        out.printf(Locale.ROOT, "  %sepoch %d/%d  train loss %.4f  val loss %.4f  OA %s  "
                + "%s: F1 %s IoU %s  (%.1f tiles/s)%s%n", prefix, m.epoch(), epochs,
                m.trainLoss(), m.valLoss(), MetricsFormat.percent(m.validation()
                        .overallAccuracy(), 1), t.name(), MetricsFormat.percent(t.f1(), 1),
                MetricsFormat.percent(t.iou(), 1), m.tilesPerSecond(), best ? "  best" : "");
        out.flush();
    }

    /** Ends the current bar, if any, leaving its last state on its line. */
    void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
            synchronized (err) {
                err.println();
                err.flush();
            }
        }
    }
}
