package io.fadconv.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Hi-CNA: 512 x 512 four-band (blue, green, red, NIR) Gaofen-2 tiles with binary cropland
 * masks, in two periods.
 *
 * <p>Layouts: {@code <root>/<period>/image/<name>.tif} with {@code <root>/<period>/label/<name>.tif}
 * (scene names {@code <period>/<name>}; the same name in two periods is one split group, so a place
 * never sits in training and test at once), or a plain {@code <root>/image} and
 * {@code <root>/label}. Masks: 0 non-cropland; 1 or 255 cropland (both occur).
 */
public final class HiCna {

    /** Class names by id. */
    public static final List<String> CLASS_NAMES = List.of("non-cropland", "cropland");

    /** Binary masks. */
    public static final LabelCodec LABELS = LabelCodec.binaryMask("non-cropland", "cropland");

    /** The cropland class id. */
    public static final int CROPLAND = 1;

    /** Display colours (0xRRGGBB) by class id: grey non-cropland, green cropland. */
    private static final int[] COLORS = {0x808080, 0x00C800};

    private HiCna() {}

    /** @return the display colours (0xRRGGBB) by class id */
    public static int[] colors() {
        return COLORS.clone();
    }

    /**
     * The periods under a root (sub-folders holding image and label folders), sorted.
     *
     * @param root the dataset folder
     * @return the period names; empty for the plain layout
     * @throws IOException when the folder cannot be listed
     */
    public static List<String> periods(Path root) throws IOException {
        DatasetSource.requireRoot(root, "Hi-CNA");
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p.resolve("image"))
                    && Files.isDirectory(p.resolve("label")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Every tile of every period (or of the plain layout).
     *
     * @param root the dataset folder
     * @return the dataset
     * @throws IOException when folders cannot be listed
     */
    public static DatasetSource scan(Path root) throws IOException {
        DatasetSource.requireRoot(root, "Hi-CNA");
        if (Files.isDirectory(root.resolve("image")) || Files.isDirectory(root.resolve("label"))) {
            return new DatasetSource("Hi-CNA", root, DatasetSource.pairByStem("Hi-CNA",
                    root.resolve("image"), root.resolve("label"), ""), LABELS);
        }
        List<String> periods = periods(root);
        if (periods.isEmpty()) {
            throw new IllegalArgumentException(root + ": no Hi-CNA layout: expected <root>/image "
                    + "and <root>/label, or <root>/<period>/image and <root>/<period>/label");
        }
        List<Scene> all = new ArrayList<>();
        for (String p : periods) {
            all.addAll(scenes(root, p));
        }
        return new DatasetSource("Hi-CNA", root, all, LABELS);
    }

    /**
     * The tiles of one period.
     *
     * @param root the dataset folder
     * @param period the period folder name
     * @return the dataset
     * @throws IOException when folders cannot be listed
     */
    public static DatasetSource scan(Path root, String period) throws IOException {
        DatasetSource.requireRoot(root, "Hi-CNA");
        if (!Files.isDirectory(root.resolve(period))) {
            throw new IllegalArgumentException(root + ": no period folder '" + period
                    + "'; found: " + periods(root));
        }
        return new DatasetSource("Hi-CNA", root, scenes(root, period), LABELS);
    }

    private static List<Scene> scenes(Path root, String period) throws IOException {
        Path dir = root.resolve(period);
        return DatasetSource.pairByStem("Hi-CNA", dir.resolve("image"), dir.resolve("label"),
                period + "/");
    }
}
