package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import io.fadconv.engine.EngineConfig;
import io.fadconv.nn.ConvTuner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Batch, warm-up, rounds, configurations and threads, shared by the timing subcommands. */
final class BenchTiming {
    @Mixin ThreadsOption threads;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "5",
            description = "Timed rounds; the median is reported (${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2",
            description = "Untimed rounds, at least (${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S",
            description = "Untimed rounds go on until S seconds have passed, per stage, so that "
                    + "the JVM has compiled the layers' Java side, as in a long run "
                    + "(${DEFAULT-VALUE}; 0: --warmup rounds only).")
    double warmupSeconds;

    @Option(names = "--engine", split = ",", paramLabel = "NAME",
            description = "Engine configurations to measure side by side in this process "
                    + "(default: the one in use; see fadconv doctor): default, channels-last, "
                    + "onednn-off. An ISA cap needs its own process: FADCONV_ENGINE=isa-sse41.")
    List<String> engines = new ArrayList<>();

    /**
     * Loads the engine with {@code --threads}, if given: call before anything is timed.
     *
     * @return the report's first line: the machine and the engine's thread count
     */
    String applyThreads() {
        int n = threads.apply();
        return io.fadconv.bench.Timing.machine() + ", engine on " + n
                + (n == 1 ? " thread" : " threads");
    }

    /**
     * The per-sample convolution strategies this process's dynamic layers used, for the end of a
     * report: each geometry, its strategy, how it was decided and the candidates' times. A
     * "cached" one was timed by an earlier run on this machine and kept; {@code fadconv doctor
     * --retune} has it timed again.
     *
     * @return the lines after an empty one, each ending in a line separator; empty when no
     *     dynamic layer chose
     */
    static String strategies() {
        List<String> lines = ConvTuner.describe();
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "%nPer-sample convolution strategies (geometry, choice, how, candidates; %.2f s "
                        + "spent deciding; cached: timed by an earlier run, which fadconv doctor "
                        + "--retune forgets):%n", ConvTuner.tuningSeconds()));
        lines.forEach(l -> sb.append("  ").append(l).append(System.lineSeparator()));
        return sb.toString();
    }

    LayerBenchmark.Options options() {
        return new LayerBenchmark.Options(batch, warmup, rounds,
                engines.stream().map(EngineConfig::of).toList(), warmupSeconds);
    }
}
