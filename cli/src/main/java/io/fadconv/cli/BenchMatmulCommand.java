package io.fadconv.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench matmul}. */
@Command(name = "matmul", mixinStandardHelpOptions = true,
        description = "The GFLOP/s the engine reaches on a large float32 matrix product, and "
                + "its share of the machine's nominal FMA peak (how that is computed is printed).")
final class BenchMatmulCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", defaultValue = "2048", description = "Matrix side (${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(io.fadconv.bench.Timing.machine());
        out.print(io.fadconv.bench.MatmulBenchmark.limits(size,
                io.fadconv.bench.MatmulBenchmark.gflops(size, 2, 7),
                io.fadconv.engine.FmaPeak.here()));
        return 0;
    }
}
