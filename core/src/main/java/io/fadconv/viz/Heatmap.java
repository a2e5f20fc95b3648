package io.fadconv.viz;

/**
 * A colour scale for attention heatmaps: MATLAB's "jet" (dark blue - blue - cyan - yellow - red -
 * dark red), the scale of the paper's Figure 2, where low attention is blue and high is red.
 */
public enum Heatmap {
    /** The jet scale. */
    JET;

    /**
     * The colour of a value.
     *
     * @param t position on the scale, 0 (low) to 1 (high); clamped
     * @return 0xRRGGBB
     */
    public int color(double t) {
        double v = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        double r = ramp(v, 0.75);
        double g = ramp(v, 0.5);
        double b = ramp(v, 0.25);
        return (int) Math.round(255 * r) << 16 | (int) Math.round(255 * g) << 8
                | (int) Math.round(255 * b);
    }

    /** Jet's channel shape: 1.5 - |4v - 4 centre|, clipped to [0, 1] (0.5 at the ends). */
    private static double ramp(double v, double centre) {
        return Math.max(0, Math.min(1, 1.5 - 4 * Math.abs(v - centre)));
    }

    /**
     * An image of values on the scale.
     *
     * @param values row-major values
     * @param width columns
     * @param height rows
     * @param min the value shown as the lowest colour
     * @param max the value shown as the highest colour
     * @return the image
     */
    public java.awt.image.BufferedImage render(double[] values, int width, int height, double min,
            double max) {
        java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        double span = max > min ? max - min : 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                im.setRGB(x, y, color((values[y * width + x] - min) / span));
            }
        }
        return im;
    }
}
