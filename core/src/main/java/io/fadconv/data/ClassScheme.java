package io.fadconv.data;

import java.util.List;

/**
 * The classes a model predicts: names and display colours by class id, and the class the paper
 * reports (cropland / farmland), which CNA detection tracks.
 *
 * @param names class names by id
 * @param colors display colours (0xRRGGBB) by id
 * @param cropland the id of the cropland class
 */
public record ClassScheme(List<String> names, int[] colors, int cropland) {

    /** GID: 0 unlabeled, 1 built-up, 2 farmland, 3 forest, 4 meadow, 5 water. */
    public static final ClassScheme GID = new ClassScheme(Gid.CLASS_NAMES, Gid.colors(),
            Gid.FARMLAND);

    /** Hi-CNA: 0 non-cropland, 1 cropland. */
    public static final ClassScheme HICNA = new ClassScheme(HiCna.CLASS_NAMES, HiCna.colors(),
            HiCna.CROPLAND);

    /** Validates. */
    public ClassScheme {
        names = List.copyOf(names);
        colors = colors.clone();
        if (names.isEmpty() || names.size() != colors.length) {
            throw new IllegalArgumentException("a class scheme needs one colour per class name, got "
                    + names.size() + " names and " + colors.length + " colours");
        }
        if (cropland < 0 || cropland >= names.size()) {
            throw new IllegalArgumentException("cropland class " + cropland + " is not in 0.."
                    + (names.size() - 1));
        }
    }

    /** @return the number of classes */
    public int classes() {
        return names.size();
    }

    @Override
    public int[] colors() {
        return colors.clone();
    }

    /**
     * Classes known only by number: "class 0", "class 1", ... in colours around the hue circle;
     * class 1 (or 0 for one class) is reported.
     *
     * @param classes the class count
     * @return the scheme
     */
    public static ClassScheme numbered(int classes) {
        String[] n = new String[classes];
        int[] c = new int[classes];
        for (int i = 0; i < classes; i++) {
            n[i] = "class " + i;
            c[i] = java.awt.Color.HSBtoRGB((float) i / classes, 0.8f, 0.9f) & 0xFFFFFF;
        }
        return new ClassScheme(List.of(n), c, Math.min(1, classes - 1));
    }
}
