package io.fadconv.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench model}. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Whole networks: training-step (forward+backward) time and inference "
                + "throughput per convolution type, as ratios to the first --conv, and the "
                + "share of the machine's matrix-product limit and of its nominal FMA peak they "
                + "reach.")
final class BenchModelCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin BenchTiming timing;

    @Option(names = "--model", split = ",",
            description = "Models (default resnet18x0.25-unet,resnet18-unet).")
    List<String> models = new ArrayList<>(List.of("resnet18x0.25-unet", "resnet18-unet"));

    @Option(names = "--conv", paramLabel = "SPEC",
            description = "Convolution specs, repeatable; the first is the baseline "
                    + "(default static, fadconv).")
    List<String> convs = new ArrayList<>();

    @Option(names = "--size", defaultValue = "256", description = "Input side (${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--bands", defaultValue = "3", description = "Input bands (${DEFAULT-VALUE}).")
    int bands;

    @Option(names = "--classes", defaultValue = "6", description = "Classes (${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--profile", defaultValue = "0", paramLabel = "PASSES",
            description = "Also show where the time goes, op by op: PASSES training steps and "
                    + "inference forwards of each network under PyTorch's profiler, in the "
                    + "configuration in use, each op's self time side by side "
                    + "(${DEFAULT-VALUE}, off).")
    int profile;

    @Override
    public Integer call() {
        if (profile < 0) {
            throw new IllegalArgumentException("--profile takes a number of passes (0 for off), "
                    + "got " + profile);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(timing.applyThreads());
        double limit = io.fadconv.bench.MatmulBenchmark.gflops(2048, 2, 5);
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        java.util.Optional<io.fadconv.engine.FmaPeak> peak = io.fadconv.engine.FmaPeak.here()
                .map(p -> p.onThreads(threads));
        out.print(io.fadconv.bench.MatmulBenchmark.limits(2048, limit, peak));
        out.flush();
        List<io.fadconv.bench.ModelBenchmark.Row> rows = new ArrayList<>();
        for (String m : models) {
            rows.addAll(io.fadconv.bench.ModelBenchmark.run(m,
                    specs(), bands, classes, size, timing.options()));
            out.println("  measured " + m);
            out.flush();
        }
        out.println();
        out.print(io.fadconv.bench.ModelBenchmark.table(rows, timing.batch, limit,
                peak.map(io.fadconv.engine.FmaPeak::gflops).orElse(Double.NaN)));
        out.print(BenchTiming.strategies());
        if (profile > 0) {
            for (String m : models) {
                io.fadconv.bench.ModelBenchmark.profile(m, specs(), bands, classes, size,
                        timing.batch, profile).forEach((mode, profiles) -> {
                            out.println();
                            out.printf(java.util.Locale.ROOT, "%s, %s: self time per pass by op "
                                    + "(PyTorch's profiler, %d passes; the profiler adds a few "
                                    + "microseconds per op)%n", m, mode, profile);
                            out.print(io.fadconv.bench.OpProfile.table(specs(), profiles, 15));
                        });
            }
        }
        return 0;
    }

    private List<String> specs() {
        return convs.isEmpty() ? List.of("static", "fadconv") : convs;
    }
}
