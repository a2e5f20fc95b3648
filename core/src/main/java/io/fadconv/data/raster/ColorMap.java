package io.fadconv.data.raster;

import java.util.Arrays;

/**
 * A 256-entry colour table for a single-band uint8 class raster (TIFF tag 320), so that GIS
 * software shows class ids as colours.
 */
public final class ColorMap {

    private final int[] rgb;

    private ColorMap(int[] rgb) {
        this.rgb = rgb;
    }

    /**
     * A colour map from 0xRRGGBB entries; entries past the array are black.
     *
     * @param colors colours of values 0, 1, ... (at most 256)
     * @return the colour map
     */
    public static ColorMap of(int... colors) {
        if (colors.length > 256) {
            throw new IllegalArgumentException("a colour map has at most 256 entries, got "
                    + colors.length);
        }
        int[] rgb = new int[256];
        for (int i = 0; i < colors.length; i++) {
            rgb[i] = colors[i] & 0xFFFFFF;
        }
        return new ColorMap(rgb);
    }

    /**
     * The colour of a value.
     *
     * @param value 0..255
     * @return 0xRRGGBB
     */
    public int rgb(int value) {
        return rgb[value];
    }

    /**
     * The TIFF tag 320 values: 256 reds, then 256 greens, then 256 blues, 16-bit each.
     *
     * @return 768 values
     */
    int[] toTiff() {
        int[] v = new int[768];
        for (int i = 0; i < 256; i++) {
            v[i] = ((rgb[i] >> 16) & 0xFF) * 257;
            v[256 + i] = ((rgb[i] >> 8) & 0xFF) * 257;
            v[512 + i] = (rgb[i] & 0xFF) * 257;
        }
        return v;
    }

    /**
     * Reads TIFF tag 320 values of an 8-bit raster.
     *
     * @param v 768 values
     * @return the colour map
     */
    static ColorMap fromTiff(long[] v) {
        if (v.length != 768) {
            throw new IllegalArgumentException("ColorMap (tag 320) has " + v.length
                    + " values; only 8-bit colour maps (768 values) are supported");
        }
        int[] rgb = new int[256];
        for (int i = 0; i < 256; i++) {
            rgb[i] = (int) (v[i] >> 8) << 16 | (int) (v[256 + i] >> 8) << 8 | (int) (v[512 + i] >> 8);
        }
        return new ColorMap(rgb);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColorMap c && Arrays.equals(rgb, c.rgb);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "ColorMap" + Arrays.toString(Arrays.copyOf(rgb, 8)) + "...";
    }
}
