package io.fadconv.cli;

import picocli.CommandLine.Option;

/** Which pass the per-layer benchmarks time: a training step's, or inference's. */
final class BenchMode {
    @Option(names = "--inference",
            description = "Time the forward pass alone, gradients off, as mapping runs it "
                    + "(default: forward and backward, as training runs it).")
    boolean inference;
}
