package io.fadconv.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The Gaofen Image Dataset (GID), large-scale classification set: Gaofen-2 scenes (6800 x 7200,
 * RGB or NIR-RGB GeoTIFF) with colour-coded label images of five classes plus unlabeled.
 *
 * <p>Layout: {@code <root>/<images>/<name>.tif} with {@code <images>} one of {@code image},
 * {@code image_RGB}, {@code image_NirRGB}; labels {@code <root>/<labels>/<name>.tif} or
 * {@code <name>_label.tif} with {@code <labels>} one of {@code label}, {@code label_5classes}.
 * Class ids: 0 unlabeled, 1 built-up, 2 farmland, 3 forest, 4 meadow, 5 water.
 */
public final class Gid {

    /** Class names by id. */
    public static final List<String> CLASS_NAMES =
            List.of("unlabeled", "built-up", "farmland", "forest", "meadow", "water");

    /** Label colours (0xRRGGBB) by class id. */
    private static final int[] COLORS = {0x000000, 0xFF0000, 0x00FF00, 0x00FFFF, 0xFFFF00,
        0x0000FF};

    /** The GID palette. */
    public static final LabelCodec LABELS = LabelCodec.palette(CLASS_NAMES, COLORS);

    /** The farmland class id. */
    public static final int FARMLAND = 2;

    private Gid() {}

    /** @return the label colours (0xRRGGBB) by class id, also the display colours */
    public static int[] colors() {
        return COLORS.clone();
    }

    /**
     * The colour of a class.
     *
     * @param classId 0..5
     * @return 0xRRGGBB
     */
    public static int color(int classId) {
        return COLORS[classId];
    }

    /**
     * Finds the scenes under a GID root.
     *
     * @param root the dataset folder
     * @return the dataset
     * @throws IOException when folders cannot be listed
     * @throws IllegalArgumentException when the layout is not found or ambiguous
     */
    public static DatasetSource scan(Path root) throws IOException {
        DatasetSource.requireRoot(root, "GID");
        int found = 0;
        for (String n : new String[] {"image", "image_RGB", "image_NirRGB"}) {
            found += java.nio.file.Files.isDirectory(root.resolve(n)) ? 1 : 0;
        }
        if (found > 1) {
            throw new IllegalArgumentException(root + ": more than one of image, image_RGB, "
                    + "image_NirRGB; keep only the image folder to use (with its label folder) "
                    + "in the dataset folder");
        }
        Path images = DatasetSource.firstFolder(root, "image", "image_RGB", "image_NirRGB");
        if (images == null) {
            throw new IllegalArgumentException(root + ": no GID image folder (image, image_RGB or "
                    + "image_NirRGB)");
        }
        return scan(root, images.getFileName().toString());
    }

    /**
     * Finds the scenes of one image folder under a GID root.
     *
     * @param root the dataset folder
     * @param imageFolder e.g. "image_NirRGB"
     * @return the dataset
     * @throws IOException when folders cannot be listed
     */
    public static DatasetSource scan(Path root, String imageFolder) throws IOException {
        DatasetSource.requireRoot(root, "GID");
        Path labels = DatasetSource.firstFolder(root, "label", "label_5classes");
        if (labels == null) {
            throw new IllegalArgumentException(root + ": no GID label folder (label or "
                    + "label_5classes)");
        }
        return new DatasetSource("GID", root, DatasetSource.pairByStem("GID",
                root.resolve(imageFolder), labels, ""), LABELS);
    }
}
