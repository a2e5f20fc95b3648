package io.fadconv.cli;

import io.fadconv.train.ExperimentTable;
import io.fadconv.workflow.ExperimentReport;
import io.fadconv.workflow.Quickstart;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fadconv quickstart}: the first thing a new user runs. From nothing: synthetic data, a
 * short training of the static baseline and FADConv, their evaluation and a report folder. The
 * steps are {@link Quickstart}'s; this command prints them.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"The main demo, from a fresh clone with no data: generates the synthetic "
                + "landscape set, trains the static baseline and FADConv (ResNet18(0.25x)-UNet,"
                + " the paper's Hi-CNA network, binary cropland) briefly on the CPU, evaluates "
                + "both on the held-out test tiles, maps cropland loss on an unseen synthetic "
                + "bi-temporal pair with each, prints the comparison tables and writes a "
                + "report folder (tables, charts, change maps). Runs that already finished are "
                + "reused.",
            "The data are synthetic and the training is short: the table shows that the "
                + "pipeline works end to end, not how the methods compare on Gaofen-2 scenes."})
final class QuickstartCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "quickstart", paramLabel = "DIR",
            description = "Folder for data, runs and report (${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "" + Quickstart.EPOCHS, paramLabel = "N",
            description = "Training epochs (${DEFAULT-VALUE}).")
    int epochs;

    @Mixin ThreadsOption threads;

    @Option(names = "--scenes", defaultValue = "4", hidden = true,
            description = "Synthetic scenes (tests use fewer).")
    int scenes;

    @Option(names = "--scene-size", defaultValue = "1024", hidden = true,
            description = "Synthetic scene size (tests use smaller).")
    int sceneSize;

    @Option(names = "--fresh", description = "Delete earlier runs in --out and train again "
            + "(the data are kept).")
    boolean fresh;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        PrintWriter w = spec.commandLine().getOut();
        w.println("FADConv quickstart");
        w.println("==================");
        int used = threads.applyOr(2);
        Quickstart.Folders f = new Quickstart.Folders(out);

        w.println("1. Synthetic data (Gaofen-2-like scenes; not real imagery): " + f.data());
        if (!Quickstart.data(f, scenes, sceneSize, line -> {
            w.println("   " + line);
            w.flush();
        })) {
            w.println("   already there, reused");
        }
        w.flush();

        w.printf(Locale.ROOT, "2. Training ResNet18(0.25x)-UNet for cropland (binary), static "
                + "baseline then FADConv (K=4, p=16), %d epochs each on %d CPU thread(s): %s%n",
                epochs, used, f.runs());
        w.flush();
        TrainProgress progress = new TrainProgress(w, spec.commandLine().getErr(), "");
        ExperimentReport r;
        try {
            r = Quickstart.train(f, epochs, fresh, progress);
        } finally {
            progress.closeBar();
        }
        w.println("3. Evaluation on the held-out test tiles and the report: " + f.report());
        w.println("4. Cropland loss (CNA) on an unseen synthetic pair (seed 1, t1 -> t2, true "
                + "change mask known): " + f.pair());
        String cna = Quickstart.cropLoss(f, r.result(), sceneSize, (label, overlay) -> {
            w.println("   " + label + ": " + overlay);
            w.flush();
        });
        Quickstart.readme(f, r.result());
        w.println();
        w.print(ExperimentTable.markdown(r.result()));
        w.println();
        w.print(cna);
        w.println();
        w.printf(Locale.ROOT, "Quickstart finished in %.1f min. Report: %s%n",
                (System.nanoTime() - t0) / 6e10, f.report().toAbsolutePath());
        return 0;
    }
}
