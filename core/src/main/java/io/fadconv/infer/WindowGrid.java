package io.fadconv.infer;

import io.fadconv.data.raster.Window;

/**
 * Where the model windows of a scene lie. Each window contributes only its <em>core</em>, the
 * window minus {@code margin} pixels on every side; the cores tile the scene without overlap, so
 * every output pixel comes from exactly one window, at least {@code margin} pixels from that
 * window's edge (centre-crop, no blending). Windows that reach past the scene are filled by
 * mirroring the scene at its edge ({@link #reflect}).
 *
 * <p>Rules, per axis, for a scene of {@code n} pixels, window {@code W}, margin {@code m} and
 * model input multiple {@code M} (32 for the UNets: their total stride):
 * <ul>
 *   <li>{@code W} and {@code m} are multiples of {@code M}; window {@code k} starts at
 *       {@code k * (W - 2m) - m}, so every window origin is {@code -m} modulo {@code M}: all
 *       windows (and all window sizes with the same margin) see the same stride-{@code M}
 *       sampling grid of the scene, and a pixel's prediction depends only on the scene content
 *       around it, not on where the window boundaries fall, up to what the network sees beyond
 *       {@code m} pixels;</li>
 *   <li>when {@code n + 2m} rounded up to {@code M} fits in {@code W}, one window of that size
 *       covers the axis: a small scene is then predicted in one pass, exactly as the
 *       whole-scene prediction with the same {@code m}-pixel mirrored border.</li>
 * </ul>
 *
 * @param sceneWidth scene columns
 * @param sceneHeight scene rows
 * @param windowWidth model input width
 * @param windowHeight model input height
 * @param margin context pixels cropped from each side
 * @param stepX core width of every window but the last in a row
 * @param stepY core height of every window but the last in a column
 */
public record WindowGrid(int sceneWidth, int sceneHeight, int windowWidth, int windowHeight,
        int margin, int stepX, int stepY) {

    /**
     * One model window.
     *
     * @param x first column of the window in scene coordinates (negative at the left edge)
     * @param y first row of the window (negative at the top edge)
     * @param core the part of the scene this window predicts
     */
    public record Placement(int x, int y, Window core) {}

    /** Validates. */
    public WindowGrid {
        if (sceneWidth < 1 || sceneHeight < 1 || stepX < 1 || stepY < 1 || margin < 0
                || windowWidth < stepX + 2 * margin || windowHeight < stepY + 2 * margin) {
            throw new IllegalArgumentException("inconsistent window grid: scene " + sceneWidth
                    + "x" + sceneHeight + ", window " + windowWidth + "x" + windowHeight
                    + ", margin " + margin + ", step " + stepX + "x" + stepY);
        }
    }

    /**
     * Plans the windows of a scene.
     *
     * @param width scene width
     * @param height scene height
     * @param options window, margin
     * @param multiple the model's input multiple (window sizes and offsets must be multiples)
     * @return the grid
     * @throws IllegalArgumentException when the window or margin is not a multiple of
     *     {@code multiple}
     */
    public static WindowGrid plan(int width, int height, PredictOptions options, int multiple) {
        int w = options.window();
        int m = options.margin();
        if (w % multiple != 0) {
            throw new IllegalArgumentException("window size " + w + " is not a multiple of "
                    + multiple + " (the model's input multiple); use e.g. "
                    + Math.max(multiple, Math.round((double) w / multiple) * multiple));
        }
        if (m % multiple != 0) {
            throw new IllegalArgumentException("margin " + m + " is not a multiple of " + multiple
                    + " (the model's input multiple), so windows would see different sampling "
                    + "grids; use e.g. " + Math.round((double) m / multiple) * multiple);
        }
        int ww = axisWindow(width, w, m, multiple);
        int wh = axisWindow(height, w, m, multiple);
        return new WindowGrid(width, height, ww, wh, m, axisStep(width, ww, m),
                axisStep(height, wh, m));
    }

    private static int axisWindow(int n, int window, int margin, int multiple) {
        int whole = (n + 2 * margin + multiple - 1) / multiple * multiple;
        return Math.min(window, whole);
    }

    private static int axisStep(int n, int window, int margin) {
        return Math.min(n, window - 2 * margin);
    }

    /** @return windows per row */
    public int columns() {
        return (sceneWidth + stepX - 1) / stepX;
    }

    /** @return rows of windows */
    public int rows() {
        return (sceneHeight + stepY - 1) / stepY;
    }

    /** @return the number of windows */
    public int count() {
        return columns() * rows();
    }

    /**
     * A window by index, in raster order (left to right, then top to bottom).
     *
     * @param index 0 .. count()-1
     * @return the placement
     */
    public Placement placement(int index) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("window " + index + " of " + count());
        }
        int col = index % columns();
        int row = index / columns();
        int cx = col * stepX;
        int cy = row * stepY;
        Window core = new Window(cx, cy, Math.min(stepX, sceneWidth - cx),
                Math.min(stepY, sceneHeight - cy));
        return new Placement(cx - margin, cy - margin, core);
    }

    /**
     * The scene index a window pixel reads: indices outside {@code 0..n-1} are mirrored at the
     * edge without repeating it (numpy's "reflect": -1 reads 1, n reads n-2), repeatedly when a
     * window reaches further than the scene is wide.
     *
     * @param i the index, any integer
     * @param n the scene size along the axis
     * @return an index in {@code 0..n-1}
     */
    public static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }
}
