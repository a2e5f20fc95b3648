package io.fadconv.data.raster;

/** TIFF, GeoTIFF and GDAL tag numbers and field types used by the reader and the writer. */
final class TiffTags {
    static final int IMAGE_WIDTH = 256;
    static final int IMAGE_LENGTH = 257;
    static final int BITS_PER_SAMPLE = 258;
    static final int COMPRESSION = 259;
    static final int PHOTOMETRIC = 262;
    static final int STRIP_OFFSETS = 273;
    static final int SAMPLES_PER_PIXEL = 277;
    static final int ROWS_PER_STRIP = 278;
    static final int STRIP_BYTE_COUNTS = 279;
    static final int PLANAR_CONFIGURATION = 284;
    static final int PREDICTOR = 317;
    static final int COLOR_MAP = 320;
    static final int JPEG_TABLES = 347;
    static final int TILE_WIDTH = 322;
    static final int TILE_LENGTH = 323;
    static final int TILE_OFFSETS = 324;
    static final int TILE_BYTE_COUNTS = 325;
    static final int EXTRA_SAMPLES = 338;
    static final int SAMPLE_FORMAT = 339;
    static final int YCBCR_SUBSAMPLING = 530;
    static final int MODEL_PIXEL_SCALE = 33550;
    static final int MODEL_TIEPOINT = 33922;
    static final int MODEL_TRANSFORMATION = 34264;
    static final int GEO_KEY_DIRECTORY = 34735;
    static final int GEO_DOUBLE_PARAMS = 34736;
    static final int GEO_ASCII_PARAMS = 34737;
    static final int GDAL_NODATA = 42113;

    static final int TYPE_BYTE = 1;
    static final int TYPE_ASCII = 2;
    static final int TYPE_SHORT = 3;
    static final int TYPE_LONG = 4;
    static final int TYPE_DOUBLE = 12;
    static final int TYPE_LONG8 = 16;

    static final int PHOTOMETRIC_MIN_IS_BLACK = 1;
    static final int PHOTOMETRIC_RGB = 2;
    static final int PHOTOMETRIC_PALETTE = 3;
    static final int PHOTOMETRIC_SEPARATED = 5;
    static final int PHOTOMETRIC_YCBCR = 6;

    private TiffTags() {}

    /**
     * Bytes of one value of a TIFF field type.
     *
     * @param type the field type code
     * @return the size, or 0 for an unknown type
     */
    static int sizeOf(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }
}
