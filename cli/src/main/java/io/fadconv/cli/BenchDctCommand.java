package io.fadconv.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench dct}. */
@Command(name = "dct", mixinStandardHelpOptions = true,
        description = "Frequency Attention's DCT features in the two forms computed here "
                + "(pooling and the kept DCT coefficients fused into one matrix product, or two; "
                + "the layer uses one on maps up to 16 x 16), as the reference computes them "
                + "(pool + full p x p DCT + crop), and global average pooling, forward+backward.")
final class BenchDctCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin BenchTiming timing;

    @Option(names = "--pool", defaultValue = "16", description = "p (${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--low", defaultValue = "4", description = "n (${DEFAULT-VALUE}).")
    int low;

    @picocli.CommandLine.Mixin BenchStages stages;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(timing.applyThreads());
        out.print(io.fadconv.bench.DctBenchmark.table(io.fadconv.bench.DctBenchmark.run(
                stages.stages(), timing.options(), pool, low)));
        return 0;
    }
}
