package io.fadconv.infer;

import io.fadconv.data.raster.Window;
import java.io.IOException;

/**
 * Turns window cores of logits into full-width strips of class ids: the arg-max over class
 * logits (the first class on ties), or for a single-logit binary run class 1 where the logit is
 * {@code > 0} (sigmoid > 0.5). Pixels with no data in the scene get {@link #NODATA}. Holds one
 * strip (scene width x core height bytes).
 */
public final class ClassStrips implements CoreSink {

    /** The class-map value of pixels without data (also the GeoTIFF nodata value). */
    public static final int NODATA = 255;

    private final int width;
    private final int channels;
    private final StripSink out;
    private byte[] strip;
    private int stripY = -1;
    private int stripHeight;

    /**
     * Strips of a scene.
     *
     * @param width the scene width
     * @param channels logits per pixel (classes, or 1 for a single-logit binary run)
     * @param out receives each finished strip
     */
    public ClassStrips(int width, int channels, StripSink out) {
        if (channels < 1 || channels > NODATA) {
            throw new IllegalArgumentException("class maps hold 1 to 255 classes, got " + channels);
        }
        this.width = width;
        this.channels = channels;
        this.out = out;
    }

    @Override
    public void accept(Window core, float[] logits, boolean[] nodata) throws IOException {
        if (core.y() != stripY) {
            flush();
            stripY = core.y();
            stripHeight = core.height();
            strip = new byte[width * stripHeight];
        }
        int n = (int) core.pixels();
        for (int y = 0; y < core.height(); y++) {
            for (int x = 0; x < core.width(); x++) {
                int i = y * core.width() + x;
                int cls = nodata != null && nodata[i] ? NODATA : decide(logits, i, n);
                if (cls < 0) {
                    throw new IllegalStateException("the model output NaN at pixel (x="
                            + (core.x() + x) + ", y=" + (core.y() + y) + "); are the run's "
                            + "weights or normalization.json broken?");
                }
                strip[y * width + core.x() + x] = (byte) cls;
            }
        }
    }

    /** The class of pixel i, or -1 when a logit is NaN. */
    private int decide(float[] logits, int i, int n) {
        if (channels == 1) {
            float v = logits[i];
            return Float.isNaN(v) ? -1 : v > 0 ? 1 : 0;
        }
        int best = 0;
        float max = logits[i];
        boolean nan = Float.isNaN(max);
        for (int c = 1; c < channels; c++) {
            float v = logits[c * n + i];
            nan |= Float.isNaN(v);
            if (v > max) {
                max = v;
                best = c;
            }
        }
        return nan ? -1 : best;
    }

    /**
     * Hands over the last strip; call once after the predictor finished.
     *
     * @throws IOException when the sink cannot write
     */
    public void finish() throws IOException {
        flush();
    }

    private void flush() throws IOException {
        if (strip != null) {
            out.accept(new Window(0, stripY, width, stripHeight), strip);
            strip = null;
        }
    }
}
