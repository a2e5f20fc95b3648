package io.fadconv.data.raster;

/** The pixel sample types the project reads (all four) and writes (uint8, uint16, float32). */
public enum SampleType {
    /** Unsigned 8-bit integer (GDAL "Byte"). */
    UINT8(8, 1, "Byte"),
    /** Unsigned 16-bit integer (GDAL "UInt16"); Gaofen-2 scenes store 10-bit values this way. */
    UINT16(16, 1, "UInt16"),
    /** Signed 16-bit integer (GDAL "Int16"). */
    INT16(16, 2, "Int16"),
    /** IEEE 32-bit float (GDAL "Float32"). */
    FLOAT32(32, 3, "Float32");

    private final int bits;
    private final int sampleFormat;
    private final String gdalName;

    SampleType(int bits, int sampleFormat, String gdalName) {
        this.bits = bits;
        this.sampleFormat = sampleFormat;
        this.gdalName = gdalName;
    }

    /**
     * Bits per sample.
     *
     * @return 8, 16 or 32
     */
    public int bits() {
        return bits;
    }

    /**
     * Bytes per sample.
     *
     * @return 1, 2 or 4
     */
    public int bytes() {
        return bits / 8;
    }

    /**
     * The TIFF SampleFormat value (tag 339): 1 unsigned, 2 signed, 3 float.
     *
     * @return the code
     */
    public int sampleFormat() {
        return sampleFormat;
    }

    /**
     * The name gdalinfo prints.
     *
     * @return e.g. "UInt16"
     */
    public String gdalName() {
        return gdalName;
    }

    /**
     * Whether the values are integers (labels can only come from these).
     *
     * @return true for the integer types
     */
    public boolean isInteger() {
        return this != FLOAT32;
    }

    /**
     * The type of a TIFF's samples.
     *
     * @param bits BitsPerSample
     * @param sampleFormat SampleFormat (1 when the tag is absent)
     * @return the type
     * @throws IllegalArgumentException for any other combination, naming the supported ones
     */
    public static SampleType fromTiff(int bits, int sampleFormat) {
        for (SampleType t : values()) {
            if (t.bits == bits && t.sampleFormat == sampleFormat) {
                return t;
            }
        }
        String kind = switch (sampleFormat) {
            case 1 -> "unsigned integer";
            case 2 -> "signed integer";
            case 3 -> "floating point";
            default -> "sample format " + sampleFormat;
        };
        throw new IllegalArgumentException("unsupported sample type: " + bits + "-bit " + kind
                + "; supported: uint8, uint16, int16, float32");
    }
}
