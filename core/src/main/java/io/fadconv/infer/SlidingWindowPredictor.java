package io.fadconv.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.data.Normalization;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import io.fadconv.model.FoldedModel;
import io.fadconv.model.SegmentationModel;
import io.fadconv.run.RunFolder;
import java.io.IOException;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Runs a segmentation model over a scene of any size, window by window, with bounded memory: a
 * batch of windows is read (only the tiles they touch), normalised with the run's band selection
 * and statistics, predicted in one forward pass, and each window's core handed to a
 * {@link CoreSink}. Nothing scene-sized is ever held. Window placement, centre-cropping and the
 * mirrored border are {@link WindowGrid}'s rules.
 *
 * <p>The model runs in inference mode (BatchNorm uses its running statistics), so a window's
 * output does not depend on the other windows of its batch, with its BatchNorms folded into the
 * convolutions ({@link FoldedModel}, folded once per scene). Not thread-safe.
 */
public final class SlidingWindowPredictor {

    private final SegmentationModel model;
    private final Normalization normalization;
    private final PredictOptions options;
    private final NDManager manager;

    /**
     * A predictor.
     *
     * @param model an initialised model with its trained weights (temperatures finished)
     * @param normalization the bands the model reads and their statistics
     * @param options window, margin, batch
     */
    public SlidingWindowPredictor(SegmentationModel model, Normalization normalization,
            PredictOptions options) {
        if (normalization.channels() != model.spec().inChannels()) {
            throw new IllegalArgumentException("the normalisation selects "
                    + normalization.channels() + " band(s) but the model takes "
                    + model.spec().inChannels() + " input channels");
        }
        if (model.getParameters().isEmpty() || !model.isInitialized()) {
            throw new IllegalArgumentException("the model is not initialised; open a run folder, "
                    + "or initialise the model and load weights first");
        }
        this.model = model;
        this.normalization = normalization;
        this.options = options;
        this.manager = model.getParameters().valueAt(0).getArray().getManager();
    }

    /**
     * A predictor for a trained run.
     *
     * @param run the opened run
     * @param options window, margin, batch
     * @return the predictor
     */
    public static SlidingWindowPredictor of(RunFolder.Trained run, PredictOptions options) {
        return new SlidingWindowPredictor(run.model(), run.normalization(), options);
    }

    /** @return the options */
    public PredictOptions options() {
        return options;
    }

    /** @return output channels per pixel: the class count, or 1 for a single-logit binary run */
    public int outputChannels() {
        return model.spec().classes();
    }

    /**
     * The windows a scene is cut into.
     *
     * @param scene the scene
     * @return the grid
     */
    public WindowGrid plan(RasterInfo scene) {
        return WindowGrid.plan(scene.width(), scene.height(), options, model.inputMultiple());
    }

    /**
     * Predicts a whole scene.
     *
     * @param scene an open scene
     * @param sink receives every core, in raster order
     * @param progress receives the number of windows done
     * @throws IOException on read or sink failure
     * @throws IllegalArgumentException naming the file when it lacks the run's bands
     */
    public void predict(RasterReader scene, CoreSink sink, ProgressListener progress)
            throws IOException {
        SceneCheck.bands(scene.info(), scene.file(), normalization);
        WindowGrid grid = plan(scene.info());
        int c = normalization.channels();
        int plane = grid.windowWidth() * grid.windowHeight();
        float[] batch = new float[options.batch() * c * plane];
        boolean[][] nodata = new boolean[options.batch()][];
        WindowGrid.Placement[] placed = new WindowGrid.Placement[options.batch()];
        String what = scene.file().getFileName() + ": windows";
        int total = grid.count();
        try (FoldedModel folded = model.foldBatchNorm()) {
            for (int first = 0; first < total; first += options.batch()) {
                int b = Math.min(options.batch(), total - first);
                for (int k = 0; k < b; k++) {
                    placed[k] = grid.placement(first + k);
                    nodata[k] = readWindow(scene, grid, placed[k], batch, k * c * plane);
                }
                float[] out = forward(folded, batch, b, c, grid);
                int outPlane = outputChannels() * plane;
                for (int k = 0; k < b; k++) {
                    sink.accept(placed[k].core(), crop(out, k * outPlane, grid, placed[k]),
                            nodata[k]);
                }
                progress.update(first + b, total, what);
            }
        }
    }

    /**
     * Reads one window, mirrored where it leaves the scene, normalised, into {@code dst}.
     *
     * @return the nodata mask of the window's core, or null without a nodata value
     */
    private boolean[] readWindow(RasterReader scene, WindowGrid grid, WindowGrid.Placement p,
            float[] dst, int offset) throws IOException {
        RasterInfo info = scene.info();
        int[] xs = sourceIndices(p.x(), grid.windowWidth(), info.width());
        int[] ys = sourceIndices(p.y(), grid.windowHeight(), info.height());
        int x0 = Arrays.stream(xs).min().orElseThrow();
        int y0 = Arrays.stream(ys).min().orElseThrow();
        Window region = new Window(x0, y0, Arrays.stream(xs).max().orElseThrow() - x0 + 1,
                Arrays.stream(ys).max().orElseThrow() - y0 + 1);
        int[] bands = normalization.bands();
        float[] v = scene.readWindow(region, bands);
        boolean[] mask = coreNodata(v, region, p.core(), info.nodata(), bands.length);
        normalization.apply(v, region, info.nodata(), scene.file().toString());
        int rw = region.width();
        int rn = (int) region.pixels();
        int ww = grid.windowWidth();
        int plane = ww * grid.windowHeight();
        for (int ch = 0; ch < bands.length; ch++) {
            for (int y = 0; y < ys.length; y++) {
                int src = ch * rn + (ys[y] - y0) * rw - x0;
                int o = offset + ch * plane + y * ww;
                for (int x = 0; x < ww; x++) {
                    dst[o + x] = v[src + xs[x]];
                }
            }
        }
        return mask;
    }

    private static int[] sourceIndices(int start, int size, int n) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = WindowGrid.reflect(start + i, n);
        }
        return idx;
    }

    /** Pixels of the core where every band is nodata (GDAL's per-band nodata, all bands). */
    private static boolean[] coreNodata(float[] v, Window region, Window core,
            OptionalDouble nodata, int bands) {
        if (nodata.isEmpty()) {
            return null;
        }
        double nd = nodata.getAsDouble();
        int rn = (int) region.pixels();
        boolean[] mask = new boolean[(int) core.pixels()];
        for (int y = 0; y < core.height(); y++) {
            for (int x = 0; x < core.width(); x++) {
                int i = (core.y() - region.y() + y) * region.width() + core.x() - region.x() + x;
                boolean all = true;
                for (int b = 0; b < bands && all; b++) {
                    float f = v[b * rn + i];
                    all = Double.isNaN(nd) ? Float.isNaN(f) : f == (float) nd;
                }
                mask[y * core.width() + x] = all;
            }
        }
        return mask;
    }

    private float[] forward(FoldedModel folded, float[] batch, int b, int c, WindowGrid grid) {
        int h = grid.windowHeight();
        int w = grid.windowWidth();
        int n = b * c * h * w;
        float[] data = n == batch.length ? batch : Arrays.copyOf(batch, n);
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(data, new Shape(b, c, h, w));
            return folded.logits(x).toFloatArray();
        }
    }

    /** The core of window k's output: {@code channels x core.height x core.width}. */
    private float[] crop(float[] out, int offset, WindowGrid grid, WindowGrid.Placement p) {
        Window core = p.core();
        int ww = grid.windowWidth();
        int plane = ww * grid.windowHeight();
        int cw = core.width();
        int ch = core.height();
        int k = outputChannels();
        float[] logits = new float[k * cw * ch];
        int dx = core.x() - p.x();
        int dy = core.y() - p.y();
        for (int c = 0; c < k; c++) {
            for (int y = 0; y < ch; y++) {
                System.arraycopy(out, offset + c * plane + (dy + y) * ww + dx, logits,
                        (c * ch + y) * cw, cw);
            }
        }
        return logits;
    }
}
