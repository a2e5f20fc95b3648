package io.fadconv.cli;

import io.fadconv.train.Ablations;
import io.fadconv.train.ExperimentTable;
import io.fadconv.train.TrainConfig;
import io.fadconv.train.TrainLoop;
import io.fadconv.workflow.ExperimentReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv experiment}: one network, several convolution types, the paper's table. */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains one network with each --conv (same data, split, seed and "
                + "settings; one run folder each under --out; finished runs with the same "
                + "config are reused, interrupted ones resumed), evaluates each on the test part"
                + " (GID: val), and writes results.md / results.json with the columns of the "
                + "paper's Tables 1-2 (OA, Acc, P, R, F1, IoU, Params, MAdds) and charts: "
                + "f1-vs-madds.png (Figure 5), loss-curves.png, validation-curves.png.",
            "Example: fadconv experiment --data data/gid --dataset gid --model resnet18-unet "
                + "--ablation rivals --out runs/table2"})
final class ExperimentCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin TrainOptions options;

    @Option(names = "--conv", paramLabel = "SPEC", description = "A convolution spec, "
            + "repeatable (specs contain commas, so one per --conv); the first is the baseline "
            + "of the table.")
    List<String> convs = new ArrayList<>();

    @Option(names = "--ablation", paramLabel = "NAME", description = "A preset list of --conv: "
            + "rivals (Tables 1-2), fat (Table 3, Figure 5), experts (Table 4), pool (Table 5), "
            + "fusion (Table 6), attention (Table 7).")
    String ablation;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The experiment folder.")
    Path out;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", defaultValue = "10",
            description = "Also checkpoint within an epoch every M minutes (${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        List<String> specs = new ArrayList<>(convs);
        if (ablation != null) {
            if (!convs.isEmpty()) {
                throw new IllegalArgumentException("give either --ablation or --conv, not both");
            }
            Ablations.Preset p = Ablations.get(ablation);
            w.println("Ablation '" + p.name() + "': " + p.table());
            specs.addAll(p.convs());
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("give at least one --conv (or --ablation NAME)");
        }
        TrainConfig base = options.build(specs.get(0));
        options.applyThreads();
        TrainOptions.generateIfMissing(base, w);
        TrainProgress progress = new TrainProgress(w, spec.commandLine().getErr(), "");
        ExperimentReport r;
        try {
            r = ExperimentReport.run(base, specs, out, out, new TrainLoop.Options(false, 0,
                    checkpointMinutes * 60), progress);
        } finally {
            progress.closeBar();
        }
        w.println();
        w.print(ExperimentTable.markdown(r.result()));
        w.println();
        w.println("Wrote " + r.table() + ", " + r.json() + " and "
                + r.charts().stream().map(p -> p.getFileName().toString())
                        .reduce((a, b) -> a + ", " + b).orElse(""));
        return 0;
    }
}
