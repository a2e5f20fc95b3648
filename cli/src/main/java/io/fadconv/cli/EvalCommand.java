package io.fadconv.cli;

import io.fadconv.eval.MetricsFormat;
import io.fadconv.train.RunEvaluation;
import io.fadconv.run.RunFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv eval}: a trained run's metrics on one part of its split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluates a run folder made by 'fadconv train' on one part of its split "
                + "(its own tiles and normalisation; best.params, temperatures at their final "
                + "values) and prints the paper's row: OA, then Acc, P, R, F1, IoU of the "
                + "cropland class, in %%; '-' where a value is undefined. Writes the metrics, "
                + "every class's and the confusion matrix, as JSON (eval-<split>.json in the "
                + "run folder unless --json is given).",
            "Example: fadconv eval --run runs/demo --split test"})
final class EvalCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run folder.")
    Path run;

    @Option(names = "--split", paramLabel = "PART", description = "train, val or test (default:"
            + " test, or val for GID's 80/20 split, whose 20%% the paper calls its test set).")
    String split;

    @Option(names = "--batch", defaultValue = "8", description = "Tiles per forward pass "
            + "(${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", paramLabel = "FILE", description = "Where to write the JSON.")
    Path json;

    @Mixin ThreadsOption threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        threads.apply();
        RunEvaluation e = RunEvaluation.evaluate(new RunFolder(run), split, batch, null);
        out.printf(Locale.ROOT, "%s on its %s part: %d tiles, %,d pixels, weights %s%n", run,
                e.part(), e.tiles(), e.metrics().pixels(), e.weights().getFileName());
        out.println();
        out.print(MetricsFormat.paperRow(run.getFileName().toString(), e.metrics()));
        out.println();
        out.printf(Locale.ROOT, "mIoU %s (over the classes present in labels or predictions)%n",
                MetricsFormat.percent(e.metrics().meanIoU(), 1));
        out.print(MetricsFormat.perClass(e.metrics()));
        Path file = json != null ? json : e.defaultFile();
        e.save(file);
        out.println("Wrote " + file);
        return 0;
    }
}
