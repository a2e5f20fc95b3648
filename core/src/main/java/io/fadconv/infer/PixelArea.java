package io.fadconv.infer;

import io.fadconv.data.raster.CoordinateSystem;
import io.fadconv.data.raster.GeoReference;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The ground area of one pixel, for areas in hectares.
 *
 * @param squareMetres area of a pixel in m^2
 * @param source where it came from, for the statistics file
 */
public record PixelArea(double squareMetres, String source) {

    /** Validates. */
    public PixelArea {
        if (!(squareMetres > 0) || !Double.isFinite(squareMetres)) {
            throw new IllegalArgumentException("pixel area must be positive, got " + squareMetres);
        }
    }

    /**
     * The pixel area of a raster: the given pixel size squared, or the area of the pixel
     * parallelogram of a projected georeferencing in its linear unit (metre, foot, US survey
     * foot, kilometre or a stated unit size), converted to square metres.
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
        String give = "; give the pixel size in metres (--pixel-size)";
        if (!geo.isGeoreferenced()) {
            throw new IllegalArgumentException(file + " has no georeferencing, so the ground area "
                    + "of a pixel is unknown" + give);
        }
        CoordinateSystem crs = geo.crs();
        if (crs.isGeographic()) {
            throw new IllegalArgumentException(file + " is in geographic coordinates (degrees), "
                    + "whose pixels have no fixed area" + give);
        }
        if (!crs.isProjected()) {
            throw new IllegalArgumentException(file + " has no projected coordinate system ("
                    + crs.describe() + "), so the ground area of a pixel is unknown" + give);
        }
        CoordinateSystem.LinearUnit unit = crs.unit().orElseThrow();
        if (!Double.isFinite(unit.metres())) {
            throw new IllegalArgumentException(file + ": linear unit " + unit.name()
                    + "; supported: metre 9001, foot 9002, US survey foot 9003, kilometre 9036, "
                    + "or ProjLinearUnitSizeGeoKey" + give);
        }
        double metres = unit.metres();
        double[] t = geo.geoTransform().orElseThrow();
        double area = Math.abs(t[1] * t[5] - t[2] * t[4]) * metres * metres;
        return new PixelArea(area, String.format(Locale.ROOT, "georeferencing of %s (%s; %s)",
                file.getFileName(), geo.summary(), unitText(unit)));
    }

    private static String unitText(CoordinateSystem.LinearUnit u) {
        if (!u.stated()) {
            return "no linear unit stated; metre assumed, as GDAL does";
        }
        return u.metres() == 1 ? u.name() : String.format(Locale.ROOT, "%s = %s m", u.name(),
                u.metres());
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
