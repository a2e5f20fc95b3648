package io.fadconv.cli;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.run.RunFolder;
import io.fadconv.util.FilePaths;
import io.fadconv.viz.AttentionMaps;
import io.fadconv.viz.ComparisonGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv viz}: the paper's figures as PNG. */
@Command(name = "viz", mixinStandardHelpOptions = true,
        description = "The paper's figures as PNG files.",
        subcommands = {VizCommand.Attention.class, VizCommand.Compare.class})
final class VizCommand implements Runnable {

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Figure 2. */
    @Command(name = "attention", mixinStandardHelpOptions = true,
            description = "Figure 2: for feature channels of an image tile, the GAP attention map "
                    + "(the channel mean) beside the frequency attention map (top-left n x n "
                    + "2D DCT coefficients transformed back), on one colour scale.")
    static final class Attention implements Callable<Integer> {

        @Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--run", required = true, description = "The run folder.")
        Path run;

        @Option(names = "--image", required = true, description = "An image tile (up to 2048 "
                + "px a side) with the run's bands.")
        Path image;

        @Option(names = "--layer", defaultValue = "input", description = "Where the channel "
                + "comes from: input (the run's bands, normalised; the paper's figure), stem, "
                + "layer1..layer4 (ResNet encoder outputs, the inputs of the next dynamic "
                + "convolutions) or the feature index 0..5 (${DEFAULT-VALUE}).")
        String layer;

        @Option(names = "--channel", split = ",", defaultValue = "0",
                description = "Channel(s), one figure row each (${DEFAULT-VALUE}).")
        List<Integer> channels;

        @Option(names = "--n", defaultValue = "4",
                description = "Keep the top-left n x n DCT coefficients (${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--pool", defaultValue = "0", description = "DCT of the channel pooled "
                + "to p x p as FAT does (e.g. 16), or 0 for the whole channel (${DEFAULT-VALUE}).")
        int pool;

        @Option(names = "--panel", defaultValue = "256",
                description = "Panel size in pixels (${DEFAULT-VALUE}).")
        int panel;

        @Option(names = "--out", required = true, description = "The PNG to write.")
        Path out;

        @Mixin SceneBands sceneBands;

        @Override
        public Integer call() throws IOException {
            FilePaths.requireExtension(out, "--out", ".png");
            io.fadconv.viz.Figures.headless();
            AttentionMaps.Options o = new AttentionMaps.Options(AttentionMaps.parseLayer(layer),
                    channels.stream().mapToInt(Integer::intValue).toArray(), n, pool, panel);
            try (NDManager m = Djl.engine().newBaseManager()) {
                RunFolder.Trained t = sceneBands.adapt(new RunFolder(run).open(m, 64),
                        List.of(image), spec.commandLine().getErr());
                AttentionMaps.figure(t, run.getFileName().toString(), image, o, out);
            }
            spec.commandLine().getOut().println("Wrote " + out);
            return 0;
        }
    }

    /** Figure 4. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Figure 4: a grid of image, label and each run's prediction for "
                    + "chosen tiles, with each prediction's accuracy and cropland IoU.")
    static final class Compare implements Callable<Integer> {

        @Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--runs", required = true, split = ",",
                description = "Run folders, one column each, in order.")
        List<Path> runs;

        @Option(names = "--tiles", required = true, split = ",",
                description = "Image tiles, one row each (up to 2048 px a side).")
        List<Path> tiles;

        @Option(names = "--labels", split = ",", description = "Their labels, in the same order "
                + "(default: found beside the image folder: ../label/NAME.tif or "
                + "NAME_label.tif).")
        List<Path> labels = new ArrayList<>();

        @Option(names = "--panel", defaultValue = "256",
                description = "Panel size in pixels (${DEFAULT-VALUE}).")
        int panel;

        @Option(names = "--title", defaultValue = "Segmentation results",
                description = "The figure title (${DEFAULT-VALUE}).")
        String title;

        @Option(names = "--out", required = true, description = "The PNG to write.")
        Path out;

        @Mixin WindowOptions windows;

        @Mixin SceneBands sceneBands;

        @Override
        public Integer call() throws IOException {
            FilePaths.requireExtension(out, "--out", ".png");
            io.fadconv.viz.Figures.headless();
            try (ProgressBars bars = ProgressBars.onTerminal()) {
                ComparisonGrid.figure(runs, ComparisonGrid.tiles(tiles, labels),
                        windows::options, r -> sceneBands.adapt(r, tiles,
                                spec.commandLine().getErr()), panel, title, out, bars);
            }
            spec.commandLine().getOut().println("Wrote " + out);
            return 0;
        }
    }
}
