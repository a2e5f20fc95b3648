package io.fadconv.infer;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Options of cropland non-agriculturalization detection.
 *
 * @param minPatch minimum mapping unit: loss patches with fewer pixels are dropped (0 or 1 keeps
 *     everything; default 0)
 * @param connectivity which neighbours join a patch (default 8: a diagonal step stays in the
 *     patch, so fewer slivers count as separate small patches)
 * @param pixelSize pixel size in metres for areas when the maps carry no usable georeferencing
 *     (it then overrides the georeferencing); empty to take it from the maps
 */
public record CnaOptions(int minPatch, PatchSieve.Connectivity connectivity,
        OptionalDouble pixelSize) {

    /** Validates. */
    public CnaOptions {
        if (minPatch < 0) {
            throw new IllegalArgumentException("minimum mapping unit must be >= 0 pixels, got "
                    + minPatch);
        }
        Objects.requireNonNull(connectivity, "connectivity");
        Objects.requireNonNull(pixelSize, "pixelSize");
        if (pixelSize.isPresent() && !(pixelSize.getAsDouble() > 0
                && Double.isFinite(pixelSize.getAsDouble()))) {
            throw new IllegalArgumentException("pixel size must be a positive number of metres, "
                    + "got " + pixelSize.getAsDouble());
        }
    }

    /**
     * No minimum mapping unit, 8-connected, areas from the georeferencing.
     *
     * @return the defaults
     */
    public static CnaOptions defaults() {
        return new CnaOptions(0, PatchSieve.Connectivity.EIGHT, OptionalDouble.empty());
    }

    /**
     * The same with a minimum mapping unit.
     *
     * @param pixels the minimum patch size
     * @param c the connectivity
     * @return a copy
     */
    public CnaOptions withMinPatch(int pixels, PatchSieve.Connectivity c) {
        return new CnaOptions(pixels, c, pixelSize);
    }

    /**
     * The same with a given pixel size.
     *
     * @param metres the pixel size
     * @return a copy
     */
    public CnaOptions withPixelSize(double metres) {
        return new CnaOptions(minPatch, connectivity, OptionalDouble.of(metres));
    }
}
