package io.fadconv.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv bench tiff}. */
@Command(name = "tiff", mixinStandardHelpOptions = true,
        description = "The GeoTIFF decoder comparison (docs/geotiff-choice.md): random "
                + "512x512 windows of a large 4-band uint16 tiled Deflate scene through this "
                + "project's reader, the JDK's TIFF plugin and mil.nga:tiff; then the tiles of a "
                + "window decompressed from ZSTD by aircompressor and by zstd-jni.")
final class BenchTiffCommand implements Callable<Integer> {
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
