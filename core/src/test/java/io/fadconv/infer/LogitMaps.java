package io.fadconv.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.data.Normalization;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import io.fadconv.model.FoldedModel;
import io.fadconv.model.SegmentationModel;
import java.io.IOException;
import java.nio.file.Path;

/** Whole-scene logit maps for comparing window rules. */
final class LogitMaps {

    private LogitMaps() {}

    /** Collects cores into a {@code channels x height x width} map; checks each pixel once. */
    static final class Collector implements CoreSink {
        final int channels;
        final int width;
        final int height;
        final float[] map;
        final int[] hits;

        Collector(int channels, int width, int height) {
            this.channels = channels;
            this.width = width;
            this.height = height;
            this.map = new float[channels * width * height];
            this.hits = new int[width * height];
        }

        @Override
        public void accept(Window core, float[] logits, boolean[] nodata) {
            int n = (int) core.pixels();
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < core.height(); y++) {
                    for (int x = 0; x < core.width(); x++) {
                        map[(c * height + core.y() + y) * width + core.x() + x] =
                                logits[c * n + y * core.width() + x];
                    }
                }
            }
            for (int y = 0; y < core.height(); y++) {
                for (int x = 0; x < core.width(); x++) {
                    hits[(core.y() + y) * width + core.x() + x]++;
                }
            }
        }
    }

    static Collector predict(SlidingWindowPredictor p, Path scene) throws IOException {
        try (RasterReader r = RasterReader.open(scene)) {
            Collector c = new Collector(p.outputChannels(), r.info().width(), r.info().height());
            p.predict(r, c, ProgressListener.NONE);
            return c;
        }
    }

    /**
     * The reference prediction of one window, written independently of the predictor: read the
     * whole scene, normalise, build the window {@code [x0, x0 + w) x [y0, y0 + h)} with pixels
     * outside the scene mirrored (numpy "reflect", by walking, see {@link #mirror}), one forward
     * pass of batch 1 of the model as the predictor runs it (BatchNorms folded; the fold itself
     * is checked against the unfolded model in io.fadconv.model.FoldedModelTest).
     *
     * @return {@code classes x h x w} logits
     */
    static float[] window(SegmentationModel model, Normalization norm, Path scene, int x0, int y0,
            int w, int h, NDManager manager) throws IOException {
        float[] v;
        int sw;
        int sh;
        try (RasterReader r = RasterReader.open(scene)) {
            sw = r.info().width();
            sh = r.info().height();
            v = norm.read(r, r.info().extent());
        }
        int c = norm.channels();
        float[] in = new float[c * w * h];
        for (int b = 0; b < c; b++) {
            for (int y = 0; y < h; y++) {
                int sy = mirror(y0 + y, sh);
                for (int x = 0; x < w; x++) {
                    in[(b * h + y) * w + x] = v[(b * sh + sy) * sw + mirror(x0 + x, sw)];
                }
            }
        }
        try (NDManager sub = manager.newSubManager(); FoldedModel folded = model.foldBatchNorm()) {
            NDArray x = sub.create(in, new Shape(1, c, h, w));
            return folded.logits(x).toFloatArray();
        }
    }

    /**
     * The whole scene in one pass: mirrored by {@code margin} on the top and left, and up to the
     * next multiple of 32 past {@code margin} on the bottom and right; cropped back.
     */
    static float[] onePass(SegmentationModel model, Normalization norm, Path scene, int margin,
            NDManager manager) throws IOException {
        int sw;
        int sh;
        try (RasterReader r = RasterReader.open(scene)) {
            sw = r.info().width();
            sh = r.info().height();
        }
        int pw = (sw + 2 * margin + 31) / 32 * 32;
        int ph = (sh + 2 * margin + 31) / 32 * 32;
        float[] out = window(model, norm, scene, -margin, -margin, pw, ph, manager);
        return crop(out, pw, ph, margin, margin, sw, sh);
    }

    /** The {@code w x h} part at (x0, y0) of a {@code channels x ph x pw} map. */
    static float[] crop(float[] out, int pw, int ph, int x0, int y0, int w, int h) {
        int k = out.length / (pw * ph);
        float[] crop = new float[k * w * h];
        for (int ch = 0; ch < k; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(out, (ch * ph + y + y0) * pw + x0, crop, (ch * h + y) * w, w);
            }
        }
        return crop;
    }

    /** Mirror by walking: bounce off the edges until inside. */
    static int mirror(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    /** Largest |a - b| over pixels at least {@code border} from the scene edge. */
    static double maxDiff(float[] a, float[] b, int channels, int width, int height, int border) {
        double max = 0;
        for (int c = 0; c < channels; c++) {
            for (int y = border; y < height - border; y++) {
                for (int x = border; x < width - border; x++) {
                    int i = (c * height + y) * width + x;
                    max = Math.max(max, Math.abs(a[i] - b[i]));
                }
            }
        }
        return max;
    }

    /** Share of pixels whose arg-max class agrees. */
    static double classAgreement(float[] a, float[] b, int channels, int width, int height) {
        int n = width * height;
        long same = 0;
        for (int i = 0; i < n; i++) {
            same += argmax(a, i, n, channels) == argmax(b, i, n, channels) ? 1 : 0;
        }
        return (double) same / n;
    }

    static int argmax(float[] v, int i, int n, int channels) {
        int best = 0;
        for (int c = 1; c < channels; c++) {
            if (v[c * n + i] > v[best * n + i]) {
                best = c;
            }
        }
        return best;
    }

    /** Largest |logit| (the scale differences are relative to). */
    static double maxAbs(float[] a) {
        double m = 0;
        for (float f : a) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
