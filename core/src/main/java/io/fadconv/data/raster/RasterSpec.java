package io.fadconv.data.raster;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What {@link GeoTiffWriter} writes: size, bands, sample type and how the file is laid out.
 * Start from {@link #of} and adjust with the {@code with*} methods.
 *
 * @param width columns
 * @param height rows
 * @param bands samples per pixel, 1 to 8
 * @param sampleType the sample type
 * @param rgb write PhotometricInterpretation RGB (bands 1-3 shown as red, green, blue; needs 3 or
 *     more integer bands); otherwise grey (MinIsBlack), or palette with a colour map
 * @param geo georeferencing to write ({@link GeoReference#none()} for none)
 * @param nodata GDAL nodata value to write (tag 42113), also the fill of pixels never written
 * @param colorMap colour table (single-band uint8 only), or null
 * @param tileSize tile width and height, a multiple of 16 (default 256)
 * @param compression {@link Compression#DEFLATE} (default) or {@link Compression#NONE}
 * @param deflateLevel zlib level 1 (fastest) to 9 (smallest); default 6
 * @param predictor 1 (none, default) or 2 (horizontal differencing, GDAL's PREDICTOR=2: smaller
 *     Deflate files for smooth integer images); only with Deflate
 */
public record RasterSpec(int width, int height, int bands, SampleType sampleType, boolean rgb,
        GeoReference geo, OptionalDouble nodata, ColorMap colorMap, int tileSize,
        Compression compression, int deflateLevel, int predictor) {

    /** Validates. */
    public RasterSpec {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("raster size must be positive, got " + width + "x"
                    + height);
        }
        if (bands < 1 || bands > 8) {
            throw new IllegalArgumentException("bands must be 1 to 8, got " + bands);
        }
        Objects.requireNonNull(sampleType, "sampleType");
        Objects.requireNonNull(geo, "geo");
        Objects.requireNonNull(nodata, "nodata");
        if (rgb && (bands < 3 || !sampleType.isInteger())) {
            throw new IllegalArgumentException("RGB needs at least 3 integer bands, got " + bands
                    + " " + sampleType.gdalName());
        }
        if (colorMap != null && (bands != 1 || sampleType != SampleType.UINT8 || rgb)) {
            throw new IllegalArgumentException("a colour map needs a single uint8 band, got "
                    + bands + " " + sampleType.gdalName() + (rgb ? " RGB" : ""));
        }
        if (tileSize < 16 || tileSize % 16 != 0) {
            throw new IllegalArgumentException("tile size must be a positive multiple of 16 "
                    + "(TIFF rule), got " + tileSize);
        }
        if (compression != Compression.NONE && compression != Compression.DEFLATE) {
            throw new IllegalArgumentException("writing supports compression none or deflate, got "
                    + compression);
        }
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflate level must be 1 to 9, got " + deflateLevel);
        }
        if (predictor != 1 && predictor != 2) {
            throw new IllegalArgumentException("writing supports predictor 1 (none) or 2 "
                    + "(horizontal differencing), got " + predictor);
        }
        if (predictor == 2 && (compression != Compression.DEFLATE || !sampleType.isInteger())) {
            throw new IllegalArgumentException("predictor 2 needs Deflate compression and integer "
                    + "samples, got " + compression + " " + sampleType.gdalName());
        }
    }

    /**
     * A spec without a predictor.
     *
     * @param width columns
     * @param height rows
     * @param bands bands
     * @param sampleType sample type
     * @param rgb RGB photometric
     * @param geo georeferencing
     * @param nodata nodata
     * @param colorMap colour map or null
     * @param tileSize tile size
     * @param compression compression
     * @param deflateLevel zlib level
     */
    public RasterSpec(int width, int height, int bands, SampleType sampleType, boolean rgb,
            GeoReference geo, OptionalDouble nodata, ColorMap colorMap, int tileSize,
            Compression compression, int deflateLevel) {
        this(width, height, bands, sampleType, rgb, geo, nodata, colorMap, tileSize, compression,
                deflateLevel, 1);
    }

    /**
     * The same with horizontal differencing (predictor 2) before Deflate.
     *
     * @param p 1 (none) or 2
     * @return a copy
     */
    public RasterSpec withPredictor(int p) {
        return new RasterSpec(width, height, bands, sampleType, rgb, geo, nodata, colorMap,
                tileSize, compression, deflateLevel, p);
    }

    /**
     * A grey, not georeferenced, Deflate-compressed raster in 256 x 256 tiles.
     *
     * @param width columns
     * @param height rows
     * @param bands bands
     * @param sampleType the sample type
     * @return the spec
     */
    public static RasterSpec of(int width, int height, int bands, SampleType sampleType) {
        return new RasterSpec(width, height, bands, sampleType, false, GeoReference.none(),
                OptionalDouble.empty(), null, 256, Compression.DEFLATE, 6);
    }

    /**
     * The same raster shown as RGB.
     *
     * @return a copy with {@code rgb} set
     */
    public RasterSpec withRgb() {
        return new RasterSpec(width, height, bands, sampleType, true, geo, nodata, colorMap,
                tileSize, compression, deflateLevel, predictor);
    }

    /**
     * The same with georeferencing.
     *
     * @param g the georeferencing
     * @return a copy
     */
    public RasterSpec withGeo(GeoReference g) {
        return new RasterSpec(width, height, bands, sampleType, rgb, g, nodata, colorMap,
                tileSize, compression, deflateLevel, predictor);
    }

    /**
     * The same with a nodata value.
     *
     * @param value the nodata value
     * @return a copy
     */
    public RasterSpec withNodata(double value) {
        return new RasterSpec(width, height, bands, sampleType, rgb, geo, OptionalDouble.of(value),
                colorMap, tileSize, compression, deflateLevel, predictor);
    }

    /**
     * The same with a colour map.
     *
     * @param map the colour map
     * @return a copy
     */
    public RasterSpec withColorMap(ColorMap map) {
        return new RasterSpec(width, height, bands, sampleType, rgb, geo, nodata, map, tileSize,
                compression, deflateLevel, predictor);
    }

    /**
     * The same with another tile size.
     *
     * @param size tile width and height
     * @return a copy
     */
    public RasterSpec withTileSize(int size) {
        return new RasterSpec(width, height, bands, sampleType, rgb, geo, nodata, colorMap, size,
                compression, deflateLevel, predictor);
    }

    /**
     * The same with another compression and level.
     *
     * @param c none or deflate
     * @param level zlib level (ignored for none, but must be 1 to 9)
     * @return a copy
     */
    public RasterSpec withCompression(Compression c, int level) {
        return new RasterSpec(width, height, bands, sampleType, rgb, geo, nodata, colorMap,
                tileSize, c, level, c == Compression.DEFLATE ? predictor : 1);
    }

    /**
     * A spec like a source raster's: its size, bands, type, georeferencing and nodata.
     *
     * @param info the source
     * @return the spec
     */
    public static RasterSpec like(RasterInfo info) {
        return new RasterSpec(info.width(), info.height(), info.bands(), info.sampleType(), false,
                info.geo(), info.nodata(), null, 256, Compression.DEFLATE, 6);
    }
}
