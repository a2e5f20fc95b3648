package io.fadconv.infer;

import io.fadconv.data.raster.GeoReference;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The ground area of one pixel, for areas in hectares.
 *
 * @param squareMetres area of a pixel in m^2
 * @param source where it came from, for the statistics file
 */
public record PixelArea(double squareMetres, String source) {

    private static final int MODEL_TYPE_KEY = 1024;
    private static final int MODEL_TYPE_GEOGRAPHIC = 2;
    private static final int PROJECTED_CS_KEY = 3072;
    private static final int GEOGRAPHIC_CS_KEY = 2048;
    private static final int LINEAR_UNITS_KEY = 3076;

    /** Validates. */
    public PixelArea {
        if (!(squareMetres > 0) || !Double.isFinite(squareMetres)) {
            throw new IllegalArgumentException("pixel area must be positive, got " + squareMetres);
        }
    }

    /**
     * The pixel area of a raster: the given pixel size squared, or the area of the pixel
     * parallelogram of a projected georeferencing (metres; feet and US survey feet are
     * converted).
     *
     * @param geo the raster's georeferencing
     * @param pixelSize a pixel size in metres that overrides it, or empty
     * @param file the raster (for messages)
     * @return the area
     * @throws IllegalArgumentException when there is no usable georeferencing and no pixel size
     */
    public static PixelArea of(GeoReference geo, OptionalDouble pixelSize, Path file) {
        if (pixelSize.isPresent()) {
            double s = pixelSize.getAsDouble();
            return new PixelArea(s * s, String.format(Locale.ROOT, "given pixel size %s m", s));
        }
        String give = "; give the pixel size in metres (--pixel-size, CnaOptions.withPixelSize)";
        if (!geo.isGeoreferenced()) {
            throw new IllegalArgumentException(file + " has no georeferencing, so the ground area "
                    + "of a pixel is unknown" + give);
        }
        boolean geographic = geo.geoKeyShort(MODEL_TYPE_KEY).orElse(0) == MODEL_TYPE_GEOGRAPHIC
                || geo.geoKeyShort(PROJECTED_CS_KEY).isEmpty()
                && geo.geoKeyShort(GEOGRAPHIC_CS_KEY).isPresent();
        if (geographic) {
            throw new IllegalArgumentException(file + " is in geographic coordinates (degrees), "
                    + "whose pixels have no fixed area" + give);
        }
        OptionalInt unit = geo.geoKeyShort(LINEAR_UNITS_KEY);
        double metres = switch (unit.orElse(9001)) {
            case 9001 -> 1;
            case 9002 -> 0.3048;
            case 9003 -> 1200.0 / 3937.0;
            default -> throw new IllegalArgumentException(file + ": linear unit EPSG:"
                    + unit.getAsInt() + " is not supported (metre 9001, foot 9002, US survey foot "
                    + "9003)" + give);
        };
        double[] t = geo.geoTransform().orElseThrow();
        double area = Math.abs(t[1] * t[5] - t[2] * t[4]) * metres * metres;
        return new PixelArea(area, String.format(Locale.ROOT, "georeferencing of %s (%s)",
                file.getFileName(), geo.summary()));
    }

    /**
     * Hectares of a pixel count.
     *
     * @param pixels the count
     * @return pixels x area / 10 000
     */
    public double hectares(long pixels) {
        return pixels * squareMetres / 10_000.0;
    }
}
