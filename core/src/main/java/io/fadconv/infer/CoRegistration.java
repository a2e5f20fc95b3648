package io.fadconv.infer;

import io.fadconv.data.raster.CoordinateSystem;
import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.RasterInfo;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks that rasters of two dates lie on the same pixel grid, so that pixel (x, y) is the same
 * place in both: the same size and, when georeferenced, the same coordinate system, pixel size
 * and origin (to a thousandth of a pixel). Pixel-by-pixel change detection on misaligned images
 * reports the misalignment as change, so this is an error, not a warning.
 */
public final class CoRegistration {

    /** Origins may differ by this share of a pixel (rounding in tags written by other tools). */
    private static final double TOLERANCE = 1e-3;

    private CoRegistration() {}

    /**
     * Checks two rasters.
     *
     * @param a the first raster's header
     * @param fileA its file (for messages)
     * @param b the second raster's header
     * @param fileB its file
     * @throws IllegalArgumentException saying what differs and how to fix it
     */
    public static void check(RasterInfo a, Path fileA, RasterInfo b, Path fileB) {
        String fix = "; the two dates must be co-registered on one pixel grid (resample one onto "
                + "the other, e.g. gdalwarp -te/-tr/-t_srs with the other's extent and pixel size)";
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException(fileB + " is " + b.width() + "x" + b.height()
                    + " pixels but " + fileA + " is " + a.width() + "x" + a.height() + fix);
        }
        GeoReference ga = a.geo();
        GeoReference gb = b.geo();
        if (ga.isGeoreferenced() != gb.isGeoreferenced()) {
            Path with = ga.isGeoreferenced() ? fileA : fileB;
            Path without = ga.isGeoreferenced() ? fileB : fileA;
            throw new IllegalArgumentException(with + " is georeferenced but " + without
                    + " is not" + fix);
        }
        if (!ga.isGeoreferenced()) {
            return;
        }
        CoordinateSystem ca = ga.crs();
        CoordinateSystem cb = gb.crs();
        boolean bothCoded = ca.epsg().isPresent() && cb.epsg().isPresent();
        boolean bothUserDefined = ca.epsg().isEmpty() && cb.epsg().isEmpty();
        if (bothCoded && ca.epsg().getAsInt() != cb.epsg().getAsInt()
                || bothUserDefined && !sameDefinition(ca, cb)) {
            throw new IllegalArgumentException(fileB + " is in " + (bothCoded
                    ? "EPSG:" + cb.epsg().getAsInt() : cb.describe()) + " but " + fileA
                    + " is in " + (bothCoded ? "EPSG:" + ca.epsg().getAsInt() : ca.describe())
                    + fix);
        }
        double[] ta = ga.geoTransform().orElseThrow();
        double[] tb = gb.geoTransform().orElseThrow();
        double pixel = Math.max(Math.hypot(ta[1], ta[4]), Math.hypot(ta[2], ta[5]));
        for (int k : new int[] {1, 2, 4, 5}) {
            if (Math.abs(ta[k] - tb[k]) > TOLERANCE * pixel) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s has pixel size %s x %s but %s has %s x %s", fileB, num(tb[1]),
                        num(tb[5]), fileA, num(ta[1]), num(ta[5])) + fix);
            }
        }
        if (Math.abs(ta[0] - tb[0]) > TOLERANCE * pixel || Math.abs(ta[3] - tb[3]) > TOLERANCE * pixel) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s has its origin at (%s, %s) but %s at (%s, %s), %.3f x %.3f pixels apart",
                    fileB, num(tb[0]), num(tb[3]), fileA, num(ta[0]), num(ta[3]),
                    (tb[0] - ta[0]) / ta[1] + 0.0, (tb[3] - ta[3]) / ta[5] + 0.0) + fix);
        }
    }

    /** Same user-defined system, whatever the citations call it. */
    private static boolean sameDefinition(CoordinateSystem a, CoordinateSystem b) {
        return a.kind() == b.kind() && a.projection().equals(b.projection())
                && a.base().equals(b.base()) && a.unit().equals(b.unit());
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
