package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench ...}: side-by-side timing reports. */
@Command(name = "bench", description = "Benchmarks reported as ratios measured in one run.",
        mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.Layer.class, BenchCommand.Train.class,
            BenchCommand.Model.class, BenchCommand.Formulations.class, BenchCommand.Dct.class,
            BenchCommand.Tiff.class, BenchCommand.Matmul.class,
            BenchCommand.Jmh.class})
final class BenchCommand implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The default layers of {@code bench layer}: the baseline first. */
    static final List<String> DEFAULT_LAYER_SPECS = List.of("static", "dyconv", "odconv", "kw",
            "fadconv:p=8", "fadconv", "fadconv:p=32", "fodconv", "fkw");

    /** {@code fadconv bench layer}. */
    @Command(name = "layer", mixinStandardHelpOptions = true,
            description = "Forward+backward time of each convolution type at the ResNet18-UNet "
                    + "stage shapes (3x3, batch 8), as a ratio to the first --conv (static).")
    static final class Layer implements Callable<Integer> {

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--conv", paramLabel = "SPEC",
                description = "A convolution spec, repeatable; the first is the baseline. "
                        + "Default: static, dyconv, odconv, kw, fadconv:p=8, fadconv (p=16), "
                        + "fadconv:p=32, fodconv, fkw (each KernelWarehouse layer in a warehouse "
                        + "of its own).")
        List<String> convs = new ArrayList<>();

        @picocli.CommandLine.Mixin TimingOptions timing;

        @picocli.CommandLine.Mixin StagesOption stages;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<LayerBenchmark.Row> rows = run(convs.isEmpty() ? DEFAULT_LAYER_SPECS : convs,
                    stages.stages(), timing.options(),
                    line -> {
                        out.println("  " + line);
                        out.flush();
                    });
            out.println();
            out.print(LayerBenchmark.table(rows));
            out.println();
            out.println(summary(rows));
            return 0;
        }
    }

    /** The stage shapes of the per-layer benchmarks. */
    static final class StagesOption {
        @Option(names = "--stages", paramLabel = "CxS", split = ",",
                description = "Stage shapes as channels x size, e.g. 64x128,512x16 (default: "
                        + "the four ResNet18-UNet stages on 512 x 512 input).")
        List<String> shapes = new ArrayList<>();

        List<LayerBenchmark.Stage> stages() {
            if (shapes.isEmpty()) {
                return LayerBenchmark.RESNET18_UNET_STAGES;
            }
            List<LayerBenchmark.Stage> out = new ArrayList<>();
            for (String t : shapes) {
                String[] p = t.toLowerCase(java.util.Locale.ROOT).split("x");
                try {
                    out.add(new LayerBenchmark.Stage(Integer.parseInt(p[0].trim()),
                            Integer.parseInt(p[1].trim())));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--stages: '" + t
                            + "' is not CHANNELSxSIZE, e.g. 64x128");
                }
            }
            return out;
        }
    }

    /** Batch, warmup and rounds, shared by the timing subcommands. */
    static final class TimingOptions {
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

    /** {@code fadconv bench formulations}. */
    @Command(name = "formulations", mixinStandardHelpOptions = true,
            description = "Ways to convolve each sample with its own kernel (grouped, per-sample, "
                    + "expert-sum, im2col+bmm) against a static convolution, forward+backward.")
    static final class Formulations implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin TimingOptions timing;

        @Option(names = "--experts", defaultValue = "4", description = "K (${DEFAULT-VALUE}).")
        int experts;

        @picocli.CommandLine.Mixin StagesOption stages;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(io.fadconv.bench.Timing.machine());
            List<io.fadconv.bench.FormulationBenchmark.Row> rows =
                    io.fadconv.bench.FormulationBenchmark.run(stages.stages(),
                            timing.options(), experts, line -> {
                                out.println("  " + line);
                                out.flush();
                            });
            out.println();
            out.print(io.fadconv.bench.FormulationBenchmark.table(rows));
            return 0;
        }
    }

    /** {@code fadconv bench model}. */
    @Command(name = "model", mixinStandardHelpOptions = true,
            description = "Whole networks: training-step (forward+backward) time and inference "
                    + "throughput per convolution type, as ratios to the first --conv, and the "
                    + "share of the machine's matrix-product limit they reach.")
    static final class Model implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin TimingOptions timing;

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

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(io.fadconv.bench.Timing.machine());
            double peak = io.fadconv.bench.MatmulBenchmark.gflops(2048, 2, 5);
            out.printf(java.util.Locale.ROOT, "matrix-product limit: %.0f GFLOP/s "
                    + "(2048 x 2048 float32 matmul)%n", peak);
            out.flush();
            List<io.fadconv.bench.ModelBenchmark.Row> rows = new ArrayList<>();
            for (String m : models) {
                rows.addAll(io.fadconv.bench.ModelBenchmark.run(m,
                        convs.isEmpty() ? List.of("static", "fadconv") : convs, bands, classes,
                        size, timing.options()));
                out.println("  measured " + m);
                out.flush();
            }
            out.println();
            out.print(io.fadconv.bench.ModelBenchmark.table(rows, timing.batch, peak));
            return 0;
        }
    }

    /** {@code fadconv bench dct}. */
    @Command(name = "dct", mixinStandardHelpOptions = true,
            description = "Frequency Attention's DCT features as computed here (pooling and the "
                    + "kept DCT rows fused) against the reference's pool + full p x p DCT + crop, "
                    + "and global average pooling, forward+backward.")
    static final class Dct implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin TimingOptions timing;

        @Option(names = "--pool", defaultValue = "16", description = "p (${DEFAULT-VALUE}).")
        int pool;

        @Option(names = "--low", defaultValue = "4", description = "n (${DEFAULT-VALUE}).")
        int low;

        @picocli.CommandLine.Mixin StagesOption stages;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(io.fadconv.bench.Timing.machine());
            out.print(io.fadconv.bench.DctBenchmark.table(io.fadconv.bench.DctBenchmark.run(
                    stages.stages(), timing.options(), pool, low)));
            return 0;
        }
    }

    /** {@code fadconv bench tiff}. */
    @Command(name = "tiff", mixinStandardHelpOptions = true,
            description = "The GeoTIFF library comparison (docs/geotiff-choice.md): random "
                    + "512x512 windows of a large 4-band uint16 tiled Deflate scene through this "
                    + "project's reader (JDK TIFF plugin) and through mil.nga:tiff.")
    static final class Tiff implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--scene", defaultValue = "bench-scene-7200x6800.tif",
                description = "The test scene, written first if missing (${DEFAULT-VALUE}).")
        java.nio.file.Path scene;

        @Option(names = "--windows", defaultValue = "40",
                description = "Random windows (${DEFAULT-VALUE}).")
        int windows;

        @Option(names = "--size", defaultValue = "7200x6800", paramLabel = "WxH",
                description = "Size of the scene written when missing (${DEFAULT-VALUE}, a GID "
                        + "scene).")
        String size;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            out.println(io.fadconv.bench.Timing.machine());
            String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
            int width;
            int height;
            try {
                width = Integer.parseInt(wh[0].trim());
                height = Integer.parseInt(wh[1].trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--size: '" + size + "' is not WIDTHxHEIGHT");
            }
            if (width < 513 || height < 513) {
                throw new IllegalArgumentException("--size must exceed 512 x 512 (the windows), got "
                        + size);
            }
            if (!java.nio.file.Files.exists(scene)) {
                out.println("writing " + scene + " (" + width + " x " + height
                        + ", 4 bands, uint16, tiled, Deflate)");
                out.flush();
            }
            io.fadconv.bench.TiffBenchmark.scene(scene, width, height);
            out.print(io.fadconv.bench.TiffBenchmark.table(
                    io.fadconv.bench.TiffBenchmark.run(scene, windows)));
            return 0;
        }
    }

    /** {@code fadconv bench matmul}. */
    @Command(name = "matmul", mixinStandardHelpOptions = true,
            description = "The GFLOP/s the engine reaches on a large float32 matrix product.")
    static final class Matmul implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--size", defaultValue = "2048", description = "Matrix side (${DEFAULT-VALUE}).")
        int size;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(io.fadconv.bench.Timing.machine());
            out.printf(java.util.Locale.ROOT, "%d x %d float32 matmul: %.0f GFLOP/s%n", size,
                    size, io.fadconv.bench.MatmulBenchmark.gflops(size, 2, 7));
            return 0;
        }
    }

    /** {@code fadconv bench jmh}: the JMH micro-benchmarks (bench module). */
    @Command(name = "jmh", description = "Runs the JMH benchmarks (e.g. 'bench jmh LayerJmh'); "
            + "every argument goes to JMH (-h for its options).")
    static final class Jmh implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.runner.options.CommandLineOptions opts =
                    new org.openjdk.jmh.runner.options.CommandLineOptions(
                            args.toArray(new String[0]));
            org.openjdk.jmh.runner.Runner runner = new org.openjdk.jmh.runner.Runner(opts);
            // What org.openjdk.jmh.Main does, without its System.exit.
            if (opts.shouldHelp()) {
                opts.showHelp();
            } else if (opts.shouldList()) {
                runner.list();
            } else if (opts.shouldListWithParams()) {
                runner.listWithParams(opts);
            } else if (opts.shouldListProfilers()) {
                opts.listProfilers();
            } else {
                runner.run();
            }
            return 0;
        }
    }

    /** {@code fadconv bench train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Training step time (forward, loss, backward, Adam update) of each "
                    + "convolution type in one network, measured side by side (interleaved) in "
                    + "one run on random tensors, as a ratio to the first --conv; and the "
                    + "process's memory (RSS from /proc/self/status: JVM heap + native, libtorch "
                    + "included; JVM heap after a GC; live NDArrays) after each epoch of steps.")
    static final class Train implements Callable<Integer> {

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--conv", paramLabel = "SPEC", description = "A convolution spec, "
                + "repeatable; the first is the baseline (default: static, fadconv).")
        List<String> convs = new ArrayList<>();

        @Option(names = "--model", defaultValue = "resnet18x0.25-unet",
                description = "The network (${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--size", defaultValue = "256",
                description = "Input size (${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--batch", defaultValue = "8",
                description = "Batch size (${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--in-channels", defaultValue = "4",
                description = "Input bands (${DEFAULT-VALUE}, Hi-CNA BGRN).")
        int inChannels;

        @Option(names = "--classes", defaultValue = "1",
                description = "Outputs: 1 = binary cross-entropy (Hi-CNA), more = cross-entropy "
                        + "(${DEFAULT-VALUE}).")
        int classes;

        @Option(names = "--epochs", defaultValue = "3",
                description = "Epochs of steps; memory is sampled after each (${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--steps", defaultValue = "10",
                description = "Timed steps per epoch per variant (${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "2",
                description = "Untimed steps per variant first (${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--threads", paramLabel = "N",
                description = "CPU threads of the engine (default: all cores).")
        Integer threads;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            TrainOptions.applyThreads(threads);
            List<String> specs = convs.isEmpty() ? List.of("static", "fadconv") : convs;
            specs.forEach(ConvSpec::parse);
            io.fadconv.bench.TrainBenchmark.Options o = new io.fadconv.bench.TrainBenchmark
                    .Options(model, size, batch, inChannels, classes, epochs, steps, warmup);
            var r = io.fadconv.bench.TrainBenchmark.run(specs, o, line -> {
                out.println("  " + line);
                out.flush();
            });
            out.println();
            out.print(io.fadconv.bench.TrainBenchmark.table(r, o));
            out.println();
            for (int i = 1; i < r.rows().size(); i++) {
                out.printf(java.util.Locale.ROOT, "%s: %.2fx %s per training step (goal <= "
                        + "1.30x)%n", r.rows().get(i).conv(), r.rows().get(i).ratio(),
                        r.rows().get(0).conv());
            }
            var mem = r.memory();
            out.printf(java.util.Locale.ROOT, "RSS after epoch 1: %.0f MiB, after epoch %d: %.0f "
                    + "MiB (%+.0f MiB); live NDArrays %d -> %d%n", mem.get(0).rssMb(),
                    mem.size(), mem.get(mem.size() - 1).rssMb(), mem.get(mem.size() - 1).rssMb()
                            - mem.get(0).rssMb(), mem.get(0).arrays(),
                    mem.get(mem.size() - 1).arrays());
            return 0;
        }
    }

    static List<LayerBenchmark.Row> run(List<String> specs, List<LayerBenchmark.Stage> stages,
            LayerBenchmark.Options options, java.util.function.Consumer<String> progress) {
        List<LayerBenchmark.Variant> variants = new ArrayList<>();
        for (String s : specs) {
            ConvSpec spec = ConvSpec.parse(s);
            variants.add(new LayerBenchmark.Variant(spec.toString(),
                    c -> Convs.create(spec, ConvGeometry.same(c, c, 3, 1))));
        }
        return LayerBenchmark.run(stages, variants, options, progress);
    }

    /** The worst ratio and attention share per non-baseline layer, against the goals. */
    static String summary(List<LayerBenchmark.Row> rows) {
        StringBuilder sb = new StringBuilder();
        java.util.Map<String, double[]> worst = new java.util.LinkedHashMap<>();
        String baseline = rows.isEmpty() ? "" : rows.get(0).label();
        for (LayerBenchmark.Row r : rows) {
            if (r.label().equals(baseline)) {
                continue;
            }
            double[] w = worst.computeIfAbsent(r.label(), k -> new double[] {0, Double.NaN});
            w[0] = Math.max(w[0], r.ratio());
            if (!Double.isNaN(r.attentionShare())) {
                w[1] = Double.isNaN(w[1]) ? r.attentionShare() : Math.max(w[1], r.attentionShare());
            }
        }
        worst.forEach((label, w) -> sb.append(String.format(java.util.Locale.ROOT,
                "%-28s worst %.2fx %s (goal <= 1.30x)%s%n", label, w[0], baseline,
                Double.isNaN(w[1]) ? "" : String.format(java.util.Locale.ROOT,
                        ", attention path up to %.1f%% of the layer (goal <= 5%%)", 100 * w[1]))));
        return sb.toString();
    }
}
