package io.fadconv.data.raster;

/**
 * A rectangle of pixels: columns {@code x .. x+width-1}, rows {@code y .. y+height-1}.
 *
 * @param x first column
 * @param y first row
 * @param width columns, at least 1
 * @param height rows, at least 1
 */
public record Window(int x, int y, int width, int height) {

    /** Validates the window. */
    public Window {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("window (x=" + x + ", y=" + y + ", width=" + width
                    + ", height=" + height + ") needs x, y >= 0 and width, height >= 1");
        }
    }

    /**
     * The whole of a raster.
     *
     * @param width raster width
     * @param height raster height
     * @return the window at (0, 0) of that size
     */
    public static Window full(int width, int height) {
        return new Window(0, 0, width, height);
    }

    /**
     * Pixels in the window.
     *
     * @return width x height
     */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * Whether the window lies inside a raster of the given size.
     *
     * @param rasterWidth raster width
     * @param rasterHeight raster height
     * @return true when every pixel of the window is in the raster
     */
    public boolean fitsIn(int rasterWidth, int rasterHeight) {
        return (long) x + width <= rasterWidth && (long) y + height <= rasterHeight;
    }

    @Override
    public String toString() {
        return width + "x" + height + "+" + x + "+" + y;
    }
}
