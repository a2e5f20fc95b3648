package io.fadconv.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.data.Normalization;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.WindowGrid;
import io.fadconv.model.SegmentationModel;
import io.fadconv.model.encoder.Encoder;
import io.fadconv.run.RunFolder;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The paper's Figure 2 for a run and an image tile: for each chosen feature channel, the input,
 * the channel, its GAP attention map (the channel mean everywhere) and its frequency attention map
 * (top-left {@code n x n} DCT coefficients transformed back, {@link FrequencyMaps}), the two maps
 * on one colour scale with a colour bar.
 *
 * <p>The channel comes from the image as the model sees it (layer {@code input}: the run's bands,
 * normalised) or from one of the encoder's feature maps, the inputs of the next stage's dynamic
 * convolutions ({@code 1}..{@code 5}, ResNet names {@code stem}, {@code layer1}..{@code layer4}).
 */
public final class AttentionMaps {

    /** Largest tile accepted (the figure shows a tile, not a scene). */
    public static final int MAX_TILE = 2048;
    private static final String[] RESNET_NAMES = {"input", "stem", "layer1", "layer2", "layer3",
        "layer4"};

    /**
     * What to draw.
     *
     * @param layer 0 for the input bands, 1..5 for the encoder's feature maps
     * @param channels the channels, one figure row each
     * @param n the coefficient block size (the paper: 4)
     * @param pool 0 for the DCT of the whole channel (the paper's figure), or FAT's pool size p
     * @param panel panel size in pixels (the longer side)
     */
    public record Options(int layer, int[] channels, int n, int pool, int panel) {

        /** Validates. */
        public Options {
            if (layer < 0 || layer >= Encoder.FEATURES) {
                throw new IllegalArgumentException("layer must be 0 (input) to "
                        + (Encoder.FEATURES - 1) + ", got " + layer);
            }
            channels = channels.clone();
            if (channels.length == 0 || channels.length > 8) {
                throw new IllegalArgumentException("choose 1 to 8 channels, got "
                        + channels.length);
            }
            if (n < 1) {
                throw new IllegalArgumentException("the DCT block n must be >= 1, got " + n);
            }
            if (pool < 0 || pool > 0 && pool < n) {
                throw new IllegalArgumentException("pool must be 0 (no pooling) or at least n = "
                        + n + ", got " + pool);
            }
            if (panel < 64 || panel > 1024) {
                throw new IllegalArgumentException("panel size must be 64 to 1024, got " + panel);
            }
        }

        @Override
        public int[] channels() {
            return channels.clone();
        }

        /**
         * The paper's setting: the input channel 0, a 4 x 4 block, no pooling, 256 px panels.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(0, new int[] {0}, 4, 0, 256);
        }
    }

    /**
     * One feature map of a tile.
     *
     * @param channels channels
     * @param height rows
     * @param width columns
     * @param values {@code channels x height x width}
     */
    public record FeatureMap(int channels, int height, int width, float[] values) {

        /**
         * One channel as doubles.
         *
         * @param c the channel
         * @return row-major values
         */
        public double[] channel(int c) {
            if (c < 0 || c >= channels) {
                throw new IllegalArgumentException("channel " + c + " does not exist: this "
                        + "feature map has channels 0.." + (channels - 1));
            }
            int n = height * width;
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = values[c * n + i];
            }
            return d;
        }
    }

    private AttentionMaps() {}

    /**
     * Parses a layer: {@code input} or {@code 0}, {@code 1}..{@code 5}, or the ResNet names
     * {@code stem}, {@code layer1}..{@code layer4}.
     *
     * @param s the text
     * @return 0..5
     */
    public static int parseLayer(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (int i = 0; i < RESNET_NAMES.length; i++) {
            if (RESNET_NAMES[i].equals(t) || Integer.toString(i).equals(t)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown layer '" + s + "'; use input, stem, layer1.."
                + "layer4 (ResNet encoders) or the feature index 0..5");
    }

    /**
     * A feature map of a tile: the normalised run bands (layer 0) or an encoder feature map.
     * The tile is mirrored up to a multiple of the model's input multiple and the map cropped
     * back to the tile.
     *
     * @param run the opened run
     * @param tile the image tile
     * @param layer 0..5
     * @return the feature map
     * @throws IOException on read failure
     */
    public static FeatureMap features(RunFolder.Trained run, Path tile, int layer)
            throws IOException {
        Normalization norm = run.normalization();
        float[] v;
        int w;
        int h;
        try (RasterReader r = RasterReader.open(tile)) {
            RasterInfo info = r.info();
            w = info.width();
            h = info.height();
            if (Math.max(w, h) > MAX_TILE) {
                throw new IllegalArgumentException(tile + " is " + w + "x" + h + "; the attention "
                        + "figure takes tiles up to " + MAX_TILE + " pixels a side (cut one with "
                        + "gdal_translate -srcwin)");
            }
            v = norm.read(r, info.extent());
        }
        int c = norm.channels();
        if (layer == 0) {
            return new FeatureMap(c, h, w, v);
        }
        SegmentationModel model = run.model();
        int m = model.inputMultiple();
        int pw = (w + m - 1) / m * m;
        int ph = (h + m - 1) / m * m;
        float[] in = new float[c * pw * ph];
        for (int b = 0; b < c; b++) {
            for (int y = 0; y < ph; y++) {
                int sy = WindowGrid.reflect(y, h);
                for (int x = 0; x < pw; x++) {
                    in[(b * ph + y) * pw + x] = v[(b * h + sy) * w + WindowGrid.reflect(x, w)];
                }
            }
        }
        NDManager base = model.getParameters().valueAt(0).getArray().getManager();
        try (NDManager sub = base.newSubManager()) {
            NDArray x = sub.create(in, new Shape(1, c, ph, pw));
            NDList feats = model.encoder().forward(new ParameterStore(sub, false), new NDList(x),
                    false);
            NDArray f = feats.get(layer);
            int fc = (int) f.getShape().get(1);
            int fh = (int) f.getShape().get(2);
            int fw = (int) f.getShape().get(3);
            int stride = ph / fh;
            int ch = (h + stride - 1) / stride;
            int cw = (w + stride - 1) / stride;
            float[] all = f.toFloatArray();
            float[] crop = new float[fc * ch * cw];
            for (int k = 0; k < fc; k++) {
                for (int y = 0; y < ch; y++) {
                    System.arraycopy(all, (k * fh + y) * fw, crop, (k * ch + y) * cw, cw);
                }
            }
            return new FeatureMap(fc, ch, cw, crop);
        }
    }

    /**
     * Writes Figure 2 for a run and a tile.
     *
     * @param run the opened run
     * @param runName the run's name for the title
     * @param tile the image tile
     * @param options layer, channels, n, pool, panel size
     * @param png the PNG to write
     * @throws IOException on read or write failure
     */
    public static void figure(RunFolder.Trained run, String runName, Path tile, Options options,
            Path png) throws IOException {
        FeatureMap fm = features(run, tile, options.layer());
        int n = options.n();
        int limit = options.pool() > 0 ? options.pool() : Math.min(fm.height(), fm.width());
        if (n > limit) {
            throw new IllegalArgumentException("n = " + n + " is larger than the " + fm.width()
                    + "x" + fm.height() + " feature map" + (options.pool() > 0 ? " pooled to "
                    + options.pool() : "") + " allows");
        }
        BufferedImage rgb = RgbComposite.read(tile, null, MAX_TILE);
        int s = options.panel();
        double scale = (double) s / Math.max(rgb.getWidth(), rgb.getHeight());
        int pw = Math.max(1, (int) Math.round(rgb.getWidth() * scale));
        int ph = Math.max(1, (int) Math.round(rgb.getHeight() * scale));
        String layerName = options.layer() == 0 ? "input bands"
                : "encoder feature " + options.layer() + " (" + RESNET_NAMES[options.layer()]
                        + " in ResNets)";
        String[] heads = {"(a) input image", "(b) channel", "(c) GAP attention map",
            "(d) frequency attention map"};
        String[] subs = {"true colour", layerName + ", " + fm.width() + "x" + fm.height(),
            "DC coefficient only: the mean", (options.pool() > 0 ? "pooled to " + options.pool()
                    + "x" + options.pool() + ", " : "") + "top-left " + n + "x" + n
                    + " DCT coefficients"};
        int pad = Figures.PAD;
        int lineL = Figures.lineHeight(Figures.HEADING);
        int lineS = Figures.lineHeight(Figures.SMALL);
        int textW = 0;
        for (int k = 0; k < 4; k++) {
            textW = Math.max(textW, Math.max(Figures.width(Figures.SMALL, subs[k]),
                    Figures.width(Figures.HEADING, heads[k])));
        }
        int colW = Math.max(pw, textW) + 2 * pad;
        int barW = 90;
        int titleH = Figures.lineHeight(Figures.TITLE);
        int headerH = lineL + lineS + 6;
        int rowH = ph + lineS + 2 * pad;
        int[] channels = options.channels();
        int width = 4 * colW + barW + 2 * pad;
        int height = pad + titleH + pad + headerH + channels.length * rowH + 2 * lineS + pad;
        String title = "Frequency attention vs GAP: " + tile.getFileName() + ", run " + runName;
        width = Math.max(width, Figures.width(Figures.TITLE, title) + 2 * pad);
        BufferedImage out = Figures.canvas(width, height);
        Graphics2D g = Figures.graphics(out);
        Figures.text(g, Figures.TITLE, title, pad, pad);
        int top = pad + titleH + pad;
        for (int k = 0; k < 4; k++) {
            int cx = pad + k * colW + colW / 2;
            Figures.centred(g, Figures.HEADING, heads[k], cx, top);
            Figures.centred(g, Figures.SMALL, subs[k], cx, top + lineL);
        }
        top += headerH;
        BufferedImage input = Figures.scaled(rgb, pw, ph, true);
        for (int r = 0; r < channels.length; r++) {
            int y = top + r * rowH;
            double[] ch = fm.channel(channels[r]);
            double[] freq = FrequencyMaps.attention(ch, fm.height(), fm.width(), n,
                    options.pool(), ph, pw);
            double mean = FrequencyMaps.lowFrequencies(ch, fm.height(), fm.width(), 1)[0][0];
            double[] gap = new double[pw * ph];
            Arrays.fill(gap, mean);
            double lo = Arrays.stream(freq).min().orElse(mean);
            double hi = Arrays.stream(freq).max().orElse(mean);
            BufferedImage grey = Figures.scaled(greys(ch, fm.width(), fm.height()), pw, ph,
                    false);
            BufferedImage[] panels = {input, grey, Heatmap.JET.render(gap, pw, ph, lo, hi),
                Heatmap.JET.render(freq, pw, ph, lo, hi)};
            for (int k = 0; k < 4; k++) {
                Figures.framed(g, panels[k], pad + k * colW + (colW - pw) / 2, y);
            }
            int capY = y + ph + 4;
            Figures.centred(g, Figures.SMALL, "channel " + channels[r], pad + colW + colW / 2,
                    capY);
            Figures.centred(g, Figures.SMALL, "value " + Figures.tick(mean), pad + 2 * colW
                    + colW / 2, capY);
            Figures.centred(g, Figures.SMALL, "range " + Figures.tick(lo) + " to "
                    + Figures.tick(hi), pad + 3 * colW + colW / 2, capY);
            Figures.colorBar(g, Heatmap.JET, pad + 4 * colW + 4, y, 16, ph, lo, hi);
        }
        int noteY = top + channels.length * rowH;
        Figures.text(g, Figures.SMALL, "GAP keeps only the DC coefficient of the 2D DCT, so its "
                + "map is uniform; keeping the top-left " + n + "x" + n + " coefficients and "
                + "transforming back shows where", pad, noteY);
        Figures.text(g, Figures.SMALL, "the channel's low-frequency energy concentrates (paper "
                + "Fig. 2). (c) and (d) share the colour scale on the right.", pad, noteY + lineS);
        g.dispose();
        Figures.writePng(out, png);
    }

    /** A channel in grey, stretched between its minimum and maximum. */
    private static BufferedImage greys(double[] v, int width, int height) {
        double lo = Arrays.stream(v).min().orElse(0);
        double hi = Arrays.stream(v).max().orElse(1);
        double span = hi > lo ? hi - lo : 1;
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < v.length; i++) {
            int g = (int) Math.round(255 * (v[i] - lo) / span);
            im.setRGB(i % width, i / width, g << 16 | g << 8 | g);
        }
        return im;
    }
}
