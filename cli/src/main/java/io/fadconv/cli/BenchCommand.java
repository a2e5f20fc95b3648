package io.fadconv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code fadconv bench ...}: side-by-side timing reports. */
@Command(name = "bench", description = "Benchmarks reported as ratios measured in one run.",
        mixinStandardHelpOptions = true,
        subcommands = {BenchLayerCommand.class, BenchTrainCommand.class,
            BenchModelCommand.class, BenchFormulationsCommand.class, BenchDctCommand.class,
            BenchTiffCommand.class, BenchMatmulCommand.class,
            BenchJmhCommand.class})
final class BenchCommand implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
