package io.fadconv.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.bench.LayerBenchmark;
import io.fadconv.nn.FadConv;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv quickstart}: the first thing a new user runs. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Runs the main demo on embedded data: the FADConv layer on a random batch, "
                + "its attention weights, and its speed next to a static convolution.")
final class QuickstartCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds of the speed check.")
    int rounds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("FADConv quickstart");
        out.println("==================");
        out.println("1. One FADConv layer (64 -> 64, 3x3, K=4 experts, p=16, n=4) on a random "
                + "batch of 4 feature maps of 64x64.");
        Djl.seed(42);
        try (NDManager m = Djl.engine().newBaseManager()) {
            FadConv conv = FadConv.builder().setFilters(64).setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1)).build();
            Shape in = new Shape(4, 64, 64, 64);
            conv.initialize(m, DataType.FLOAT32, in);
            conv.setRecording(true);
            NDArray x = m.randomNormal(in);
            NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), false)
                    .singletonOrThrow();
            long params = conv.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size()).sum();
            out.printf(Locale.ROOT, "   output %s; %,d parameters (a static 3x3 conv has %,d)%n",
                    y.getShape(), params, 64L * 64 * 9);
            FadConv.AttentionSnapshot a = conv.lastAttention();
            out.println("   expert weights per sample (softmax over the 4 experts; each row sums to 1):");
            for (int b = 0; b < a.weights().length; b++) {
                StringBuilder sb = new StringBuilder();
                double sum = 0;
                for (float w : a.weights()[b]) {
                    sb.append(String.format(Locale.ROOT, " %.4f", w));
                    sum += w;
                }
                out.printf(Locale.ROOT, "     sample %d:%s  (sum %.4f)%n", b, sb, sum);
            }
            float[] d = a.descriptors()[0];
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (float v : d) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            out.printf(Locale.ROOT, "   channel descriptors of sample 0 (fusion network output): "
                    + "%d values in [%.4f, %.4f]%n", d.length, min, max);
        }
        out.println();
        out.println("2. Speed: forward+backward next to a static convolution, measured now on "
                + "this machine (batch 8, ResNet18-UNet stage shapes, median of " + rounds
                + " rounds).");
        out.flush();
        List<LayerBenchmark.Row> rows = BenchCommand.run(List.of("static", "fadconv"),
                LayerBenchmark.RESNET18_UNET_STAGES, new LayerBenchmark.Options(8, 1, rounds),
                line -> {
                    out.println("   " + line);
                    out.flush();
                });
        out.println();
        out.print(LayerBenchmark.table(rows));
        out.println();
        out.print(BenchCommand.summary(rows));
        out.println();
        out.println("Not in this quickstart yet: training, evaluation and mapping arrive with the "
                + "models, data and training commands.");
        return 0;
    }
}
