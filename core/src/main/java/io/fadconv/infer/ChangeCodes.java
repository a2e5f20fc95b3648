package io.fadconv.infer;

import io.fadconv.data.ClassScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of a cropland change map for a class scheme:
 * <pre>
 *   0        no cropland loss (not cropland at t1, or cropland dropped by the minimum mapping unit)
 *   1        stable cropland (cropland at t1 and t2)
 *   2 ..     cropland at t1 that became class c at t2, one code per non-cropland class, in class
 *            id order (GID: 2 unlabeled/other, 3 built-up, 4 forest, 5 meadow, 6 water;
 *            two-class schemes: 2 non-cropland)
 *   255      no data in either period
 * </pre>
 *
 * @param classes the class scheme of the two class maps
 */
public record ChangeCodes(ClassScheme classes) {

    /** Not cropland at t1, or a loss removed by the minimum mapping unit. */
    public static final int NONE = 0;
    /** Cropland at both dates. */
    public static final int STABLE = 1;
    /** The first cropland-loss code. */
    public static final int FIRST_LOSS = 2;
    /** No data at either date. */
    public static final int NODATA = ClassStrips.NODATA;

    private static final int STABLE_COLOR = 0x9CCC9C;
    private static final int OTHER_LOSS_COLOR = 0xFF00FF;

    /** Validates. */
    public ChangeCodes {
        if (classes.classes() < 2 || classes.classes() > 200) {
            throw new IllegalArgumentException("change maps need 2 to 200 classes, got "
                    + classes.classes());
        }
    }

    /** @return the number of codes, 0 .. count()-1 (nodata excluded) */
    public int count() {
        return FIRST_LOSS + classes.classes() - 1;
    }

    /**
     * The change code of a pixel.
     *
     * @param before class at t1 (or {@link #NODATA})
     * @param after class at t2 (or {@link #NODATA})
     * @return the code
     */
    public int code(int before, int after) {
        if (before == NODATA || after == NODATA) {
            return NODATA;
        }
        int crop = classes.cropland();
        if (before != crop) {
            return NONE;
        }
        return after == crop ? STABLE : lossCode(after);
    }

    /**
     * The code of cropland lost to a class.
     *
     * @param toClass a non-cropland class
     * @return its loss code
     */
    public int lossCode(int toClass) {
        if (toClass == classes.cropland() || toClass < 0 || toClass >= classes.classes()) {
            throw new IllegalArgumentException("no loss code for class " + toClass);
        }
        return FIRST_LOSS + (toClass < classes.cropland() ? toClass : toClass - 1);
    }

    /**
     * The class a loss code stands for.
     *
     * @param code a loss code
     * @return the class cropland became
     */
    public int lossTarget(int code) {
        if (!isLoss(code)) {
            throw new IllegalArgumentException(code + " is not a loss code");
        }
        int k = code - FIRST_LOSS;
        return k < classes.cropland() ? k : k + 1;
    }

    /**
     * Whether a code is a cropland loss.
     *
     * @param code a change code
     * @return true for codes 2 .. count()-1
     */
    public boolean isLoss(int code) {
        return code >= FIRST_LOSS && code < count();
    }

    /**
     * The name of a code, e.g. "farmland -> built-up".
     *
     * @param code a change code
     * @return its name
     */
    public String name(int code) {
        if (code == NONE) {
            return "no cropland loss";
        }
        if (code == STABLE) {
            return "stable " + classes.names().get(classes.cropland());
        }
        if (code == NODATA) {
            return "no data";
        }
        return classes.names().get(classes.cropland()) + " -> " + targetName(lossTarget(code));
    }

    /**
     * The short name of what cropland became, for tables ("built-up", "other/unlabeled").
     *
     * @param toClass the class
     * @return its name
     */
    public String targetName(int toClass) {
        String n = classes.names().get(toClass);
        return n.equals("unlabeled") || n.equals("background") ? "other/" + n : n;
    }

    /** @return names of codes 0 .. count()-1 */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (int c = 0; c < count(); c++) {
            n.add(name(c));
        }
        return n;
    }

    /**
     * Display colours of codes 0 .. count()-1: black for no loss, pale green for stable cropland,
     * the colour of the new class for losses (magenta when that colour is black or grey, as
     * GID's unlabeled and Hi-CNA's non-cropland are).
     *
     * @return 0xRRGGBB by code
     */
    public int[] colors() {
        int[] c = new int[count()];
        c[NONE] = 0x000000;
        c[STABLE] = STABLE_COLOR;
        int[] cls = classes.colors();
        for (int code = FIRST_LOSS; code < count(); code++) {
            int rgb = cls[lossTarget(code)];
            boolean grey = (rgb >> 16 & 0xFF) == (rgb >> 8 & 0xFF) && (rgb >> 8 & 0xFF) == (rgb & 0xFF);
            c[code] = grey ? OTHER_LOSS_COLOR : rgb;
        }
        return c;
    }
}
