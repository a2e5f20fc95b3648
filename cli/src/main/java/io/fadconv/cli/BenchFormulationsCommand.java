package io.fadconv.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench formulations}. */
@Command(name = "formulations", mixinStandardHelpOptions = true,
        description = "The strategies the library chooses among to convolve each sample with its "
                + "own mixture of K experts (grouped, im2col+bmm, per-sample, expert-sum), "
                + "against a static convolution, forward+backward (or the forward alone, "
                + "--inference): at given stage shapes, or (--model) at every geometry of a "
                + "network's dynamic layers, beside the tuner's choice there and the least "
                + "ratio to the static network these formulations allow.")
final class BenchFormulationsCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin BenchTiming timing;

    @Option(names = "--experts", defaultValue = "4", description = "K (${DEFAULT-VALUE}).")
    int experts;

    @picocli.CommandLine.Mixin BenchMode mode;

    @picocli.CommandLine.Mixin BenchStages stages;

    @Option(names = "--model", description = "Time a network's own dynamic convolutions, "
            + "geometry by geometry, after one pass of it (which tunes them), instead of "
            + "--stages; e.g. resnet18-unet.")
    String model;

    @Option(names = "--conv", paramLabel = "SPEC", defaultValue = "fadconv",
            description = "With --model: the dynamic convolution spec (${DEFAULT-VALUE}); it "
                    + "sets K, so --experts is for --stages.")
    String conv;

    @Option(names = "--size", defaultValue = "256",
            description = "With --model: input side (${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (model != null && !stages.shapes.isEmpty()) {
            throw new IllegalArgumentException("--model and --stages: give one (a network's own "
                    + "geometries, or stage shapes)");
        }
        out.println(timing.applyThreads());
        if (model != null) {
            io.fadconv.bench.NetworkFormulations.Report report =
                    io.fadconv.bench.NetworkFormulations.run(model, conv, 3, 6, size,
                            timing.options(), mode.inference, line -> {
                                out.println("  " + line);
                                out.flush();
                            });
            out.println();
            out.print(io.fadconv.bench.NetworkFormulations.table(report));
            return 0;
        }
        List<io.fadconv.bench.FormulationBenchmark.Row> rows =
                io.fadconv.bench.FormulationBenchmark.run(stages.stages(),
                        timing.options(), experts, mode.inference, line -> {
                            out.println("  " + line);
                            out.flush();
                        });
        out.println();
        out.println(mode.inference ? "Forward alone, gradients off (inference):"
                : "Forward and backward (training):");
        out.print(io.fadconv.bench.FormulationBenchmark.table(rows));
        return 0;
    }
}
