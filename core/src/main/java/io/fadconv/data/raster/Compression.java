package io.fadconv.data.raster;

import java.util.Locale;

/**
 * TIFF compressions the project reads (all of these); it writes {@link #NONE} and
 * {@link #DEFLATE}.
 */
public enum Compression {
    /** No compression (code 1). */
    NONE(1),
    /** LZW (code 5). */
    LZW(5),
    /** JPEG in TIFF, "new-style" with JPEGTables (code 7); lossy, 8-bit only. */
    JPEG(7),
    /** Deflate/zlib (code 8; the old code 32946 reads as this too). */
    DEFLATE(8),
    /** PackBits run-length (code 32773). */
    PACKBITS(32773),
    /** Zstandard (code 50000, GDAL's COMPRESS=ZSTD). */
    ZSTD(50000);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    /**
     * The TIFF Compression tag value.
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    /**
     * The name gdalinfo prints.
     *
     * @return e.g. "DEFLATE"
     */
    public String gdalName() {
        return this == NONE ? "NONE" : name();
    }

    /**
     * The compression of a TIFF Compression tag value.
     *
     * @param code the tag value
     * @return the compression
     * @throws IllegalArgumentException for CCITT, old-style JPEG, LZMA, WEBP, LERC and any other
     *     code, naming it and how to convert the file
     */
    public static Compression fromTiff(int code) {
        if (code == 32946) {
            return DEFLATE;
        }
        for (Compression c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        String name = switch (code) {
            case 2, 3, 4 -> "CCITT fax";
            case 6 -> "old-style JPEG";
            case 34712 -> "JPEG 2000";
            case 34887 -> "LERC";
            case 34925 -> "LZMA";
            case 50001 -> "WEBP";
            case 50002 -> "JPEG XL";
            default -> "code " + code;
        };
        throw new IllegalArgumentException("unsupported compression " + name + " (" + code
                + "); supported: none, LZW, Deflate, PackBits, ZSTD, JPEG; convert with "
                + "gdal_translate -co COMPRESS=DEFLATE IN.tif OUT.tif");
    }

    /**
     * Parses a user's name for a compression.
     *
     * @param name none, lzw, jpeg, deflate, packbits or zstd (any case)
     * @return the compression
     */
    public static Compression parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compression '" + name
                    + "'; allowed: none, lzw, jpeg, deflate, packbits, zstd", e);
        }
    }
}
