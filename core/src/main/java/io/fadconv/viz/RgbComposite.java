package io.fadconv.viz;

import io.fadconv.data.raster.RasterReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * True-colour pictures of multispectral rasters: three bands shown as red, green and blue, each
 * stretched linearly between its 2nd and 98th percentile (nodata left out, shown light grey),
 * as GIS software displays Gaofen-2 scenes.
 */
public final class RgbComposite {

    /** Colour of pixels without data. */
    static final int NODATA_COLOR = 0xE6E6E6;

    private RgbComposite() {}

    /**
     * The bands to show as red, green, blue for a band count: 4 bands are Gaofen-2's blue,
     * green, red, near-infrared (GID, Hi-CNA, the synthetic scenes), so {2, 1, 0}; 3 bands are
     * taken as RGB; 1 or 2 bands show the first band in grey.
     *
     * @param bands the raster's band count
     * @return 0-based bands for red, green, blue
     */
    public static int[] defaultBands(int bands) {
        if (bands >= 4) {
            return new int[] {2, 1, 0};
        }
        return bands == 3 ? new int[] {0, 1, 2} : new int[] {0, 0, 0};
    }

    /**
     * Reads and stretches a raster (subsampled to at most {@code maxSize} pixels a side).
     *
     * @param image the raster
     * @param bands red, green, blue band indices (0-based), or null for {@link #defaultBands}
     * @param maxSize the longest side of the picture
     * @return the picture
     * @throws IOException on read failure
     */
    public static BufferedImage read(Path image, int[] bands, int maxSize) throws IOException {
        try (RasterReader r = RasterReader.open(image)) {
            return read(r, bands, maxSize);
        }
    }

    /**
     * The same for a raster open already.
     *
     * @param r the raster (left open)
     * @param bands red, green, blue band indices (0-based), or null for {@link #defaultBands}
     * @param maxSize the longest side of the picture
     * @return the picture
     * @throws IOException on read failure
     */
    public static BufferedImage read(RasterReader r, int[] bands, int maxSize)
            throws IOException {
        int[] rgb = bands == null ? defaultBands(r.info().bands()) : bands;
        int f = Subsampled.factor(r.info().width(), r.info().height(), maxSize);
        float[] v = Subsampled.floats(r, f, rgb);
        return stretch(v, Subsampled.size(r.info().width(), f),
                Subsampled.size(r.info().height(), f), r.info().nodata());
    }

    /**
     * Stretches three bands into a picture.
     *
     * @param rgb {@code 3 x height x width} values, band-sequential
     * @param width columns
     * @param height rows
     * @param nodata the nodata value (a pixel whose three values all equal it is no data)
     * @return the picture
     */
    public static BufferedImage stretch(float[] rgb, int width, int height,
            OptionalDouble nodata) {
        int n = width * height;
        boolean[] none = new boolean[n];
        if (nodata.isPresent()) {
            float nd = (float) nodata.getAsDouble();
            for (int i = 0; i < n; i++) {
                none[i] = rgb[i] == nd && rgb[n + i] == nd && rgb[2 * n + i] == nd;
            }
        }
        double[][] range = new double[3][];
        for (int b = 0; b < 3; b++) {
            range[b] = percentiles(rgb, b * n, n, none);
        }
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            int c = NODATA_COLOR;
            if (!none[i]) {
                c = 0;
                for (int b = 0; b < 3; b++) {
                    double t = (rgb[b * n + i] - range[b][0]) / (range[b][1] - range[b][0]);
                    c = c << 8 | (int) Math.round(255 * Math.max(0, Math.min(1, t)));
                }
            }
            im.setRGB(i % width, i / width, c);
        }
        return im;
    }

    /** The 2nd and 98th percentiles of valid values (a span of at least 1e-6). */
    private static double[] percentiles(float[] v, int from, int n, boolean[] none) {
        float[] valid = new float[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (!none[i] && Float.isFinite(v[from + i])) {
                valid[k++] = v[from + i];
            }
        }
        if (k == 0) {
            return new double[] {0, 1};
        }
        Arrays.sort(valid, 0, k);
        double lo = valid[(int) Math.floor(0.02 * (k - 1))];
        double hi = valid[(int) Math.ceil(0.98 * (k - 1))];
        return new double[] {lo, Math.max(hi, lo + 1e-6)};
    }
}
