package io.fadconv.cli;

import io.fadconv.nn.ConvSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench train}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training step time (forward, loss, backward, Adam update) of each "
                + "convolution type in one network, measured side by side (interleaved) in "
                + "one run on random tensors, as a ratio to the first --conv; and the "
                + "process's memory (RSS from /proc/self/status: JVM heap + native, libtorch "
                + "included; JVM heap after a GC; live NDArrays) after each epoch of steps.")
final class BenchTrainCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--conv", paramLabel = "SPEC", description = "A convolution spec, "
            + "repeatable; the first is the baseline (default: static, fadconv).")
    List<String> convs = new ArrayList<>();

    @Option(names = "--model", defaultValue = "resnet18x0.25-unet",
            description = "The network (${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--size", defaultValue = "256",
            description = "Input size (${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "8",
            description = "Batch size (${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--in-channels", defaultValue = "4",
            description = "Input bands (${DEFAULT-VALUE}, Hi-CNA BGRN).")
    int inChannels;

    @Option(names = "--classes", defaultValue = "1",
            description = "Outputs: 1 = binary cross-entropy (Hi-CNA), more = cross-entropy "
                    + "(${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--epochs", defaultValue = "3",
            description = "Epochs of steps; memory is sampled after each (${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "10",
            description = "Timed steps per epoch per variant (${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2",
            description = "Untimed steps per variant first (${DEFAULT-VALUE}).")
    int warmup;

    @picocli.CommandLine.Mixin ThreadsOption threads;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        threads.apply();
        List<String> specs = convs.isEmpty() ? List.of("static", "fadconv") : convs;
        specs.forEach(ConvSpec::parse);
        io.fadconv.bench.TrainBenchmark.Options o = new io.fadconv.bench.TrainBenchmark
                .Options(model, size, batch, inChannels, classes, epochs, steps, warmup);
        var r = io.fadconv.bench.TrainBenchmark.run(specs, o, line -> {
            out.println("  " + line);
            out.flush();
        });
        out.println();
        out.print(io.fadconv.bench.TrainBenchmark.table(r, o));
        out.println();
        for (int i = 1; i < r.rows().size(); i++) {
            out.printf(java.util.Locale.ROOT, "%s: %.2fx %s per training step (goal <= "
                    + "1.30x)%n", r.rows().get(i).conv(), r.rows().get(i).ratio(),
                    r.rows().get(0).conv());
        }
        var mem = r.memory();
        out.printf(java.util.Locale.ROOT, "RSS after epoch 1: %.0f MiB, after epoch %d: %.0f "
                + "MiB (%+.0f MiB); live NDArrays %d -> %d%n", mem.get(0).rssMb(),
                mem.size(), mem.get(mem.size() - 1).rssMb(), mem.get(mem.size() - 1).rssMb()
                        - mem.get(0).rssMb(), mem.get(0).arrays(),
                mem.get(mem.size() - 1).arrays());
        return 0;
    }
}
