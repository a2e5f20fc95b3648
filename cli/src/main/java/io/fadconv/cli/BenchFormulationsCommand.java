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
                + "--inference).")
final class BenchFormulationsCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin BenchTiming timing;

    @Option(names = "--experts", defaultValue = "4", description = "K (${DEFAULT-VALUE}).")
    int experts;

    @picocli.CommandLine.Mixin BenchMode mode;

    @picocli.CommandLine.Mixin BenchStages stages;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(timing.applyThreads());
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
