package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import io.fadconv.engine.EngineConfig;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--engine", split = ",", paramLabel = "NAME",
            description = "Engine configurations to measure side by side in this process "
                    + "(default: the one in use; see fadconv doctor): default, channels-last, "
                    + "onednn-off. An ISA cap needs its own process: FADCONV_ENGINE=isa-sse41.")
    List<String> engines = new ArrayList<>();

    LayerBenchmark.Options options() {
        return new LayerBenchmark.Options(batch, warmup, rounds,
                engines.stream().map(EngineConfig::of).toList());
    }
}
