package io.fadconv.cli;

import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.data.raster.SampleType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv synth}: writes the seeded synthetic dataset. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Writes a synthetic GID-like dataset as GeoTIFF scenes (two periods, "
                + "colour-coded labels, cropland-loss masks, Hi-CNA-style tiles). The same seed and "
                + "options give the same bytes.")
final class SynthCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "The folder to create.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scenes", defaultValue = "4", description = "Scenes (${DEFAULT-VALUE}).")
    int scenes;

    @Option(names = "--size", defaultValue = "1024",
            description = "Scene width and height in pixels (${DEFAULT-VALUE}); up to 65536, "
                    + "written tile row by tile row.")
    int size;

    @Option(names = "--tile", defaultValue = "256",
            description = "Hi-CNA tile size and GeoTIFF tile size (${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--type", defaultValue = "uint16",
            description = "Image sample type: uint16 (10-bit values like Gaofen-2) or uint8 "
                    + "(${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--parts", split = ",", paramLabel = "PART",
            description = "Which folders: gid, gid-t2, change, hicna (default: all).")
    List<String> parts = new ArrayList<>();

    @Option(names = "--change", defaultValue = "0.3",
            description = "Share of farmland parcels lost to built-up or forest by period 2 "
                    + "(${DEFAULT-VALUE}).")
    double change;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "N",
            description = "Scenes written in parallel (${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--threads", hidden = true, paramLabel = "N",
            description = "Deprecated: the old name of --workers.")
    Integer threadsAlias;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        SampleType st = switch (type.toLowerCase(Locale.ROOT)) {
            case "uint16" -> SampleType.UINT16;
            case "uint8" -> SampleType.UINT8;
            default -> throw new IllegalArgumentException("--type must be uint8 or uint16, got '"
                    + type + "'");
        };
        EnumSet<SyntheticConfig.Part> ps = EnumSet.noneOf(SyntheticConfig.Part.class);
        for (String p : parts) {
            ps.add(switch (p.strip().toLowerCase(Locale.ROOT)) {
                case "gid" -> SyntheticConfig.Part.GID;
                case "gid-t2" -> SyntheticConfig.Part.GID_T2;
                case "change" -> SyntheticConfig.Part.CHANGE;
                case "hicna" -> SyntheticConfig.Part.HICNA;
                default -> throw new IllegalArgumentException("--parts: unknown part '" + p
                        + "'; allowed: gid, gid-t2, change, hicna");
            });
        }
        if (ps.isEmpty()) {
            ps = EnumSet.allOf(SyntheticConfig.Part.class);
        }
        SyntheticConfig c = new SyntheticConfig(seed, scenes, size, tile, st, 0.8, change, 1, ps);
        if (threadsAlias != null) {
            spec.commandLine().getErr().println("fadconv: warning: synth --threads is now "
                    + "--workers (scenes written in parallel)");
            workers = threadsAlias;
        }
        long t0 = System.nanoTime();
        SyntheticDataset.Summary s = SyntheticDataset.generate(out, c, force, workers, line -> {
            w.println("  " + line);
            w.flush();
        });
        w.printf(Locale.ROOT, "Wrote %s in %.1f s: %d scene(s) of %d x %d, seed %d.%n", out,
                (System.nanoTime() - t0) / 1e9, s.scenes(), size, size, seed);
        long total = 0;
        for (long v : s.classPixels1()) {
            total += v;
        }
        List<String> names = io.fadconv.data.Gid.CLASS_NAMES;
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < names.size(); k++) {
            sb.append(String.format(Locale.ROOT, "%s%s %.1f%%", k == 0 ? "" : ", ", names.get(k),
                    100.0 * s.classPixels1()[k] / total));
        }
        w.println("Period-1 classes: " + sb);
        if (s.changedPixels() > 0) {
            w.printf(Locale.ROOT, "Cropland lost by period 2: %.1f%% of all pixels.%n",
                    100.0 * s.changedPixels() / total);
        }
        if (s.hicnaTiles() > 0) {
            w.printf("Hi-CNA layout: %d tiles of %d x %d per period.%n", s.hicnaTiles(), tile, tile);
        }
        w.println("See synthetic.json in the folder for the options and class counts.");
        return 0;
    }
}
