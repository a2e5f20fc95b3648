package io.fadconv.data;

import io.fadconv.data.raster.SampleType;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SyntheticDataset} generates.
 *
 * @param seed everything follows from it: same seed and options, same bytes
 * @param scenes number of scenes (places)
 * @param size scene width and height in pixels (default 1024; 8192 streams with bounded memory)
 * @param tile Hi-CNA tile size, and the GeoTIFF tile size of the scenes (default 256)
 * @param sampleType image sample type: uint16 (default; 10-bit values like Gaofen-2) or uint8
 * @param pixelSize metres per pixel (default 0.8, Gaofen-2's panchromatic resolution)
 * @param changeFraction share of farmland parcels that become built-up or forest by period 2
 * @param deflateLevel zlib level of the written files (default 1: fastest)
 * @param parts which folders to write
 */
public record SyntheticConfig(long seed, int scenes, int size, int tile, SampleType sampleType,
        double pixelSize, double changeFraction, int deflateLevel, Set<Part> parts) {

    /** The folders the generator can write. */
    public enum Part {
        /** {@code gid/}: period-1 scenes, GID layout, colour-coded labels. */
        GID,
        /** {@code gid-t2/}: the same places in period 2, GID layout. */
        GID_T2,
        /** {@code change/}: the true cropland-loss mask from period 1 to 2. */
        CHANGE,
        /** {@code hicna/}: both periods cut into tiles with binary cropland masks. */
        HICNA
    }

    /** Validates. */
    public SyntheticConfig {
        if (scenes < 1 || scenes > 10_000) {
            throw new IllegalArgumentException("scenes must be 1 to 10000, got " + scenes);
        }
        if (tile < 16 || tile % 16 != 0) {
            throw new IllegalArgumentException("tile must be a positive multiple of 16, got " + tile);
        }
        if (size < tile || size > 65_536) {
            throw new IllegalArgumentException("size must be from the tile size (" + tile
                    + ") to 65536, got " + size);
        }
        if (sampleType != SampleType.UINT16 && sampleType != SampleType.UINT8) {
            throw new IllegalArgumentException("sample type must be uint8 or uint16, got "
                    + sampleType);
        }
        if (!(pixelSize > 0)) {
            throw new IllegalArgumentException("pixel size must be > 0, got " + pixelSize);
        }
        if (!(changeFraction >= 0 && changeFraction <= 1)) {
            throw new IllegalArgumentException("change fraction must be in [0, 1], got "
                    + changeFraction);
        }
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflate level must be 1 to 9, got " + deflateLevel);
        }
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("choose at least one part to generate");
        }
        parts = Set.copyOf(parts);
    }

    /**
     * The demo set: 4 scenes of 1024 x 1024 (64 tiles of 256 per period), uint16, every part.
     *
     * @param seed the seed
     * @return the config
     */
    public static SyntheticConfig demo(long seed) {
        return new SyntheticConfig(seed, 4, 1024, 256, SampleType.UINT16, 0.8, 0.3, 1,
                EnumSet.allOf(Part.class));
    }

    /**
     * The same with other scene count and size.
     *
     * @param n scenes
     * @param s size
     * @return a copy
     */
    public SyntheticConfig withScenes(int n, int s) {
        return new SyntheticConfig(seed, n, s, tile, sampleType, pixelSize, changeFraction,
                deflateLevel, parts);
    }

    /**
     * The same with another tile size.
     *
     * @param t tile size
     * @return a copy
     */
    public SyntheticConfig withTile(int t) {
        return new SyntheticConfig(seed, scenes, size, t, sampleType, pixelSize, changeFraction,
                deflateLevel, parts);
    }

    /**
     * The same with only some parts.
     *
     * @param p the parts
     * @return a copy
     */
    public SyntheticConfig withParts(Set<Part> p) {
        return new SyntheticConfig(seed, scenes, size, tile, sampleType, pixelSize, changeFraction,
                deflateLevel, p);
    }

    /**
     * The same with another share of farmland parcels lost by period 2.
     *
     * @param f the share, in [0, 1]
     * @return a copy
     */
    public SyntheticConfig withChangeFraction(double f) {
        return new SyntheticConfig(seed, scenes, size, tile, sampleType, pixelSize, f,
                deflateLevel, parts);
    }

    /**
     * The same with another sample type.
     *
     * @param t uint8 or uint16
     * @return a copy
     */
    public SyntheticConfig withSampleType(SampleType t) {
        return new SyntheticConfig(seed, scenes, size, tile, t, pixelSize, changeFraction,
                deflateLevel, parts);
    }
}
