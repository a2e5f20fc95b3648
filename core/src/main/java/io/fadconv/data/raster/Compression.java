package io.fadconv.data.raster;

import java.util.Locale;

/** TIFF compressions the project reads; it writes {@link #NONE} and {@link #DEFLATE}. */
public enum Compression {
    /** No compression (code 1). */
    NONE(1),
    /** LZW (code 5). */
    LZW(5),
    /** Deflate/zlib (code 8; the old code 32946 reads as this too). */
    DEFLATE(8),
    /** PackBits run-length (code 32773). */
    PACKBITS(32773);

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
     * @throws IllegalArgumentException for JPEG, CCITT and any other code
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
            case 6, 7 -> "JPEG";
            case 34887 -> "LERC";
            case 34925 -> "LZMA";
            case 50000 -> "ZSTD";
            case 50001 -> "WEBP";
            default -> "code " + code;
        };
        throw new IllegalArgumentException("unsupported compression " + name + " (" + code
                + "); supported: none, LZW, Deflate, PackBits (gdal_translate -co COMPRESS=DEFLATE "
                + "converts)");
    }

    /**
     * Parses a user's name for a compression.
     *
     * @param name none, lzw, deflate or packbits (any case)
     * @return the compression
     */
    public static Compression parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compression '" + name
                    + "'; allowed: none, lzw, deflate, packbits", e);
        }
    }
}
