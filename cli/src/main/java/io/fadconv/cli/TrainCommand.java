package io.fadconv.cli;

import io.fadconv.train.TrainConfig;
import io.fadconv.train.TrainLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv train}: trains one network and writes a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a segmentation network as the paper does (Adam with L2 weight "
                + "decay, constant learning rate, no augmentation, no pretraining), validates "
                + "after every epoch and writes a run folder: config.json, run.json, split.json,"
                + " normalization.json, best.params, last.params, checkpoint.ckpt, metrics.csv,"
                + " metrics.json. A killed run continues with --resume.",
            "Example: fadconv train --data data/synthetic --dataset synthetic-hicna --model "
                + "resnet18x0.25-unet --conv fadconv:k=4,p=16 --epochs 10 --batch 8 --out "
                + "runs/demo"})
final class TrainCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin TrainOptions options;

    @Option(names = "--conv", paramLabel = "SPEC", description = "Convolution spec of the "
            + "replaced convolutions (default static), e.g. fadconv:k=4,p=16.")
    String conv;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The run folder.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint "
            + "(same options; --epochs may be raised).")
    boolean resume;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", defaultValue = "10",
            description = "Also checkpoint within an epoch every M minutes (${DEFAULT-VALUE}; "
                    + "0 = only after each epoch).")
    double checkpointMinutes;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainConfig c = options.build(conv);
        int threads = options.applyThreads();
        TrainOptions.generateIfMissing(c, out);
        out.printf(Locale.ROOT, "Training %s conv=%s on %s (%s), %d epochs, batch %d, lr %s, wd "
                + "%s, loss %s, seed %d, %d CPU threads -> %s%n", c.model(), c.conv(), c.data(),
                c.dataset(), c.epochs(), c.batch(), c.lr(), c.weightDecay(), c.loss().id(),
                c.seed(), threads, this.out);
        out.flush();
        TrainProgress progress = new TrainProgress(out, err, "");
        TrainLoop.Result r;
        try {
            r = TrainLoop.run(c, this.out, new TrainLoop.Options(resume, 0,
                    checkpointMinutes * 60), progress);
        } finally {
            progress.closeBar();
        }
        if (r.alreadyFinished()) {
            out.println("Nothing to do: " + this.out + " holds a finished run of this config.");
        }
        int best = r.log().bestEpoch();
        out.printf("Done: %d epochs in %s; best epoch %s (by validation IoU of %s).%n",
                r.log().epochsDone(), this.out, best == 0 ? "none" : Integer.toString(best),
                c.classScheme().names().get(c.classScheme().cropland()));
        out.println("Evaluate: fadconv eval --run " + this.out + " --split "
                + (c.splitFractions().containsKey("test") ? "test" : "val"));
        return 0;
    }
}
