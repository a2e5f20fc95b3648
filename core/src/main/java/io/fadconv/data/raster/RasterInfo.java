package io.fadconv.data.raster;

import java.util.OptionalDouble;

/**
 * What a user checks first about a raster (what gdalinfo prints).
 *
 * @param width columns
 * @param height rows
 * @param bands samples per pixel, 1 to {@value #MAX_BANDS}
 * @param sampleType the sample type
 * @param compression the compression
 * @param predictor TIFF Predictor (1 none, 2 horizontal differencing, 3 floating point)
 * @param tiled true for tiles, false for strips
 * @param blockWidth tile width, or the width for strips
 * @param blockHeight tile height, or rows per strip
 * @param bandInterleaved true for PlanarConfiguration 2 (each band stored separately)
 * @param photometric TIFF PhotometricInterpretation (1 grey, 2 RGB, 3 palette)
 * @param nodata GDAL's nodata value (tag 42113), when present
 * @param geo the georeferencing ({@link GeoReference#none()} when absent)
 * @param colorMap the colour table of a palette raster, or null
 * @param bigTiff whether the file is a BigTIFF
 */
public record RasterInfo(int width, int height, int bands, SampleType sampleType,
        Compression compression, int predictor, boolean tiled, int blockWidth, int blockHeight,
        boolean bandInterleaved, int photometric, OptionalDouble nodata, GeoReference geo,
        ColorMap colorMap, boolean bigTiff) {

    /** The most bands a raster may have here. */
    public static final int MAX_BANDS = 64;

    /** Validates. */
    public RasterInfo {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("raster size must be positive, got " + width + "x"
                    + height);
        }
        if (bands < 1 || bands > MAX_BANDS) {
            throw new IllegalArgumentException("unsupported band count " + bands
                    + "; supported: 1 to " + MAX_BANDS);
        }
        java.util.Objects.requireNonNull(sampleType, "sampleType");
        java.util.Objects.requireNonNull(compression, "compression");
        java.util.Objects.requireNonNull(nodata, "nodata");
        java.util.Objects.requireNonNull(geo, "geo");
    }

    /**
     * A raster info of a classic (not Big) TIFF or another format.
     *
     * @param width columns
     * @param height rows
     * @param bands bands
     * @param sampleType sample type
     * @param compression compression
     * @param predictor predictor
     * @param tiled tiles or strips
     * @param blockWidth block width
     * @param blockHeight block height
     * @param bandInterleaved PlanarConfiguration 2
     * @param photometric PhotometricInterpretation
     * @param nodata nodata value
     * @param geo georeferencing
     * @param colorMap colour table or null
     */
    public RasterInfo(int width, int height, int bands, SampleType sampleType,
            Compression compression, int predictor, boolean tiled, int blockWidth,
            int blockHeight, boolean bandInterleaved, int photometric, OptionalDouble nodata,
            GeoReference geo, ColorMap colorMap) {
        this(width, height, bands, sampleType, compression, predictor, tiled, blockWidth,
                blockHeight, bandInterleaved, photometric, nodata, geo, colorMap, false);
    }

    /**
     * The whole raster as a window.
     *
     * @return (0, 0, width, height)
     */
    public Window extent() {
        return Window.full(width, height);
    }

    /**
     * The compression as gdalinfo names it (JPEG of YCbCr pixels is "YCbCr JPEG").
     *
     * @return e.g. "DEFLATE"
     */
    public String compressionName() {
        return compression == Compression.JPEG && photometric == 6 ? "YCbCr JPEG"
                : compression.gdalName();
    }

    /**
     * The name of the photometric interpretation.
     *
     * @return e.g. "RGB"
     */
    public String photometricName() {
        return switch (photometric) {
            case 0 -> "WhiteIsZero";
            case 1 -> "MinIsBlack";
            case 2 -> "RGB";
            case 3 -> "Palette";
            case 5 -> "CMYK";
            case 6 -> "YCbCr";
            default -> "code " + photometric;
        };
    }

    /**
     * A nodata value as GDAL writes it in tag 42113: integers without a decimal point, NaN as
     * "nan", infinities as "inf"/"-inf".
     *
     * @param v the value
     * @return the text
     */
    public static String formatNodata(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
