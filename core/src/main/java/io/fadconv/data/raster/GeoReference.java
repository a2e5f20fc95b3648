package io.fadconv.data.raster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A raster's georeferencing exactly as its GeoTIFF tags hold it, kept so a written raster carries
 * its source's: ModelPixelScale (33550), ModelTiepoint (33922), ModelTransformation (34264) and
 * the GeoKey directory (34735) with its double (34736) and ASCII (34737) parameters. Empty arrays
 * (and a null ASCII string) stand for absent tags.
 *
 * <p>{@link #geoTransform()} turns the tags into GDAL's six-number affine transform (pixel corner
 * to map coordinates, PixelIsPoint shifted by half a pixel as GDAL does).
 */
public final class GeoReference {

    /** GeoKey ids this class reads. */
    static final int KEY_MODEL_TYPE = 1024;
    static final int KEY_RASTER_TYPE = 1025;
    static final int KEY_CITATION = 1026;
    static final int KEY_PROJECTED_TYPE = 3072;
    static final int KEY_PROJ_LINEAR_UNITS = 3076;

    private static final GeoReference NONE = new GeoReference(new double[0], new double[0],
            new double[0], new int[0], new double[0], null);

    private final double[] pixelScale;
    private final double[] tiepoints;
    private final double[] transformation;
    private final int[] geoKeys;
    private final double[] geoDoubles;
    private final String geoAscii;
    private volatile CoordinateSystem crs;

    /**
     * Georeferencing from raw tag values.
     *
     * @param pixelScale ModelPixelScale (3 values) or empty
     * @param tiepoints ModelTiepoint (6 values per tie point) or empty
     * @param transformation ModelTransformation (16 values, row-major 4x4) or empty
     * @param geoKeys the GeoKeyDirectory shorts or empty
     * @param geoDoubles GeoDoubleParams or empty
     * @param geoAscii GeoAsciiParams (with its '|' separators) or null
     */
    public GeoReference(double[] pixelScale, double[] tiepoints, double[] transformation,
            int[] geoKeys, double[] geoDoubles, String geoAscii) {
        check(pixelScale.length == 0 || pixelScale.length == 3,
                "ModelPixelScale needs 3 values, got " + pixelScale.length);
        check(tiepoints.length % 6 == 0, "ModelTiepoint needs 6 values per tie point, got "
                + tiepoints.length);
        check(transformation.length == 0 || transformation.length == 16,
                "ModelTransformation needs 16 values, got " + transformation.length);
        check(geoKeys.length == 0 || geoKeys.length >= 4 && geoKeys.length == 4 + 4 * geoKeys[3],
                "GeoKeyDirectory has " + geoKeys.length + " values, inconsistent with its header");
        this.pixelScale = pixelScale.clone();
        this.tiepoints = tiepoints.clone();
        this.transformation = transformation.clone();
        this.geoKeys = geoKeys.clone();
        this.geoDoubles = geoDoubles.clone();
        this.geoAscii = geoAscii;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid georeferencing: " + message);
        }
    }

    /**
     * No georeferencing.
     *
     * @return the empty georeferencing
     */
    public static GeoReference none() {
        return NONE;
    }

    /**
     * North-up georeferencing in a projected EPSG system: pixel (0, 0)'s upper-left corner at
     * (originX, originY), square pixels, PixelIsArea, metres.
     *
     * @param epsg the projected coordinate system, e.g. 32650 for WGS 84 / UTM zone 50N
     * @param originX easting of the upper-left corner
     * @param originY northing of the upper-left corner
     * @param pixelSize pixel size in metres
     * @param citation a name for the system (GTCitationGeoKey), e.g. "WGS 84 / UTM zone 50N"
     * @return the georeferencing
     */
    public static GeoReference projected(int epsg, double originX, double originY,
            double pixelSize, String citation) {
        if (!(pixelSize > 0)) {
            throw new IllegalArgumentException("pixel size must be > 0, got " + pixelSize);
        }
        String ascii = citation + "|";
        int[] keys = {
            1, 1, 0, 5,
            KEY_MODEL_TYPE, 0, 1, 1,
            KEY_RASTER_TYPE, 0, 1, 1,
            KEY_CITATION, TiffTags.GEO_ASCII_PARAMS, ascii.length(), 0,
            KEY_PROJECTED_TYPE, 0, 1, epsg,
            KEY_PROJ_LINEAR_UNITS, 0, 1, 9001,
        };
        return new GeoReference(new double[] {pixelSize, pixelSize, 0},
                new double[] {0, 0, 0, originX, originY, 0}, new double[0], keys, new double[0],
                ascii);
    }

    /**
     * Whether the raster has a model transform (scale + tie point, or a transformation matrix).
     *
     * @return true when {@link #geoTransform()} is present
     */
    public boolean isGeoreferenced() {
        return transformation.length == 16 || pixelScale.length == 3 && tiepoints.length >= 6;
    }

    /** @return ModelPixelScale values (a copy; empty when absent) */
    public double[] pixelScale() {
        return pixelScale.clone();
    }

    /** @return ModelTiepoint values (a copy; empty when absent) */
    public double[] tiepoints() {
        return tiepoints.clone();
    }

    /** @return ModelTransformation values (a copy; empty when absent) */
    public double[] transformation() {
        return transformation.clone();
    }

    /** @return GeoKeyDirectory values (a copy; empty when absent) */
    public int[] geoKeys() {
        return geoKeys.clone();
    }

    /** @return GeoDoubleParams values (a copy; empty when absent) */
    public double[] geoDoubles() {
        return geoDoubles.clone();
    }

    /** @return GeoAsciiParams, or null when absent */
    public String geoAscii() {
        return geoAscii;
    }

    /**
     * GDAL's geotransform: map x = t[0] + col * t[1] + row * t[2], map y = t[3] + col * t[4] +
     * row * t[5], for the upper-left corner of pixel (col, row).
     *
     * @return the six numbers, or empty without a model transform
     */
    public Optional<double[]> geoTransform() {
        double[] t;
        if (transformation.length == 16) {
            double[] m = transformation;
            t = new double[] {m[3], m[0], m[1], m[7], m[4], m[5]};
        } else if (pixelScale.length == 3 && tiepoints.length >= 6) {
            double i = tiepoints[0];
            double j = tiepoints[1];
            t = new double[] {tiepoints[3] - i * pixelScale[0], pixelScale[0], 0,
                tiepoints[4] + j * pixelScale[1], 0, -pixelScale[1]};
        } else {
            return Optional.empty();
        }
        if (isPixelIsPoint()) {
            t[0] -= 0.5 * (t[1] + t[2]);
            t[3] -= 0.5 * (t[4] + t[5]);
        }
        return Optional.of(t);
    }

    /**
     * Whether GTRasterTypeGeoKey says PixelIsPoint (2); the default is PixelIsArea (1).
     *
     * @return true for PixelIsPoint
     */
    public boolean isPixelIsPoint() {
        return geoKeyShort(KEY_RASTER_TYPE).orElse(1) == 2;
    }

    /**
     * The EPSG code of the whole coordinate system: ProjectedCSTypeGeoKey of a projected system,
     * GeographicTypeGeoKey of a geographic one; never the geographic base of a projected system.
     *
     * @return the code, or empty when absent or user-defined
     */
    public OptionalInt epsg() {
        return crs().epsg();
    }

    /**
     * The coordinate reference system the GeoKeys describe.
     *
     * @return the description ({@link CoordinateSystem.Kind#NONE} without GeoKeys)
     */
    public CoordinateSystem crs() {
        CoordinateSystem c = crs;
        if (c == null) {
            c = CoordinateSystem.of(this);
            crs = c;
        }
        return c;
    }

    /**
     * A GeoKey stored inline as a short.
     *
     * @param keyId the key id
     * @return its value, or empty when absent or not a short
     */
    public OptionalInt geoKeyShort(int keyId) {
        int e = entry(keyId);
        return e < 0 || geoKeys[e + 1] != 0 ? OptionalInt.empty() : OptionalInt.of(geoKeys[e + 3]);
    }

    /**
     * A GeoKey stored in GeoDoubleParams.
     *
     * @param keyId the key id
     * @return its (first) value, or empty
     */
    public OptionalDouble geoKeyDouble(int keyId) {
        int e = entry(keyId);
        if (e < 0 || geoKeys[e + 1] != TiffTags.GEO_DOUBLE_PARAMS
                || geoKeys[e + 3] >= geoDoubles.length) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(geoDoubles[geoKeys[e + 3]]);
    }

    /**
     * A GeoKey stored in GeoAsciiParams, without its '|' terminator.
     *
     * @param keyId the key id
     * @return the text, or empty
     */
    public Optional<String> geoKeyAscii(int keyId) {
        int e = entry(keyId);
        if (e < 0 || geoKeys[e + 1] != TiffTags.GEO_ASCII_PARAMS || geoAscii == null) {
            return Optional.empty();
        }
        int from = geoKeys[e + 3];
        int to = Math.min(geoAscii.length(), from + geoKeys[e + 2]);
        if (from > to) {
            return Optional.empty();
        }
        String s = geoAscii.substring(from, to);
        return Optional.of(s.endsWith("|") ? s.substring(0, s.length() - 1) : s);
    }

    /**
     * Whether the GeoKeyDirectory has a key.
     *
     * @param keyId the key id
     * @return true when present
     */
    public boolean hasGeoKey(int keyId) {
        return entry(keyId) >= 0;
    }

    private int entry(int keyId) {
        for (int k = 4; k + 3 < geoKeys.length; k += 4) {
            if (geoKeys[k] == keyId) {
                return k;
            }
        }
        return -1;
    }

    /**
     * The georeferencing of a window of this raster: the same system with the model origin moved
     * to the window's upper-left pixel. Tie points move by the window offset in raster space; a
     * transformation matrix gets the offset folded into its translation.
     *
     * @param dx the window's first column in this raster
     * @param dy the window's first row in this raster
     * @return the shifted georeferencing
     */
    public GeoReference shifted(int dx, int dy) {
        if (dx == 0 && dy == 0) {
            return this;
        }
        double[] m = transformation.clone();
        if (m.length == 16) {
            m[3] += m[0] * dx + m[1] * dy;
            m[7] += m[4] * dx + m[5] * dy;
            m[11] += m[8] * dx + m[9] * dy;
        }
        double[] tp = tiepoints.clone();
        if (pixelScale.length == 3 && tp.length == 6) {
            // The usual single tie point: keep it at raster (I, J), move its model point.
            tp[3] += dx * pixelScale[0];
            tp[4] -= dy * pixelScale[1];
        } else {
            for (int k = 0; k + 5 < tp.length; k += 6) {
                tp[k] -= dx;
                tp[k + 1] -= dy;
            }
        }
        return new GeoReference(pixelScale, tp, m, geoKeys, geoDoubles, geoAscii);
    }

    /**
     * One-line summary for messages.
     *
     * @return e.g. "EPSG:32650, origin (500000.0, 3400000.0), pixel 0.8 x -0.8"
     */
    public String summary() {
        List<String> parts = new ArrayList<>();
        epsg().ifPresent(e -> parts.add("EPSG:" + e));
        if (epsg().isEmpty() && crs().kind() != CoordinateSystem.Kind.NONE) {
            parts.add(crs().isProjected() ? "user-defined projected CRS"
                    : crs().isGeographic() ? "user-defined geographic CRS" : "user-defined CRS");
        }
        geoTransform().ifPresent(t -> parts.add("origin (" + t[0] + ", " + t[3] + "), pixel "
                + t[1] + " x " + t[5]));
        return parts.isEmpty() ? "not georeferenced" : String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeoReference g && Arrays.equals(pixelScale, g.pixelScale)
                && Arrays.equals(tiepoints, g.tiepoints)
                && Arrays.equals(transformation, g.transformation)
                && Arrays.equals(geoKeys, g.geoKeys) && Arrays.equals(geoDoubles, g.geoDoubles)
                && java.util.Objects.equals(geoAscii, g.geoAscii);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(Arrays.hashCode(pixelScale), Arrays.hashCode(tiepoints),
                Arrays.hashCode(transformation), Arrays.hashCode(geoKeys),
                Arrays.hashCode(geoDoubles), geoAscii);
    }

    @Override
    public String toString() {
        return "GeoReference[" + summary() + "]";
    }
}
