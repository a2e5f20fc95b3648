package io.fadconv.cli;

import io.fadconv.bench.LayerBenchmark;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The stage shapes of the per-layer benchmarks. */
final class BenchStages {
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
