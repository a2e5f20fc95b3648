package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import picocli.CommandLine.Option;

/** Batch, warmup and rounds, shared by the timing subcommands. */
final class BenchTiming {
    @Option(names = "--batch", defaultValue = "8", description = "Batch size (${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "5",
            description = "Timed rounds; the median is reported (${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed rounds (${DEFAULT-VALUE}).")
    int warmup;

    LayerBenchmark.Options options() {
        return new LayerBenchmark.Options(batch, warmup, rounds);
    }
}
