package io.fadconv.viz;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.ClassMapReader;
import io.fadconv.infer.ClassStrips;
import io.fadconv.infer.PredictOptions;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneMapper;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import io.fadconv.util.FilePaths;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's Figure 4: one row per tile, columns image, label and each run's prediction (column
 * titles: run name and convolution), each prediction captioned with its overall accuracy and
 * cropland IoU on that tile, and the class legend.
 */
public final class ComparisonGrid {

    /** Largest tile side accepted. */
    public static final int MAX_TILE = 2048;

    /**
     * A tile and its label.
     *
     * @param image the image tile
     * @param label its label (class ids, a binary mask or colour-coded)
     */
    public record Tile(Path image, Path label) {}

    /** A tile read for drawing. */
    private record Loaded(String name, BufferedImage rgb, int[] label, int width, int height) {}

    private ComparisonGrid() {}

    /**
     * The label of an image tile in a dataset layout: {@code X/image[s]/NAME.ext} has its label at
     * {@code X/label[s]|mask[s]/NAME[_label].tif|png}.
     *
     * @param image the image tile
     * @return the label file
     * @throws IllegalArgumentException when none is found
     */
    public static Path findLabel(Path image) {
        Path dir = image.toAbsolutePath().getParent();
        String stem = FilePaths.stem(image);
        if (dir != null && dir.getParent() != null) {
            for (String folder : new String[] {"label", "labels", "mask", "masks"}) {
                for (String name : new String[] {stem, stem + "_label"}) {
                    for (String ext : new String[] {".tif", ".tiff", ".png"}) {
                        Path p = dir.getParent().resolve(folder).resolve(name + ext);
                        if (Files.isRegularFile(p)) {
                            return p;
                        }
                    }
                }
            }
        }
        throw new IllegalArgumentException("no label found for " + image + " (looked for "
                + "../label/" + stem + ".tif, ../label/" + stem + "_label.tif, ../labels/, "
                + "../mask/ ...); give the labels explicitly (--labels)");
    }

    /**
     * Predicts the tiles with every run and writes the grid.
     *
     * @param runs run folders, one column each, in order
     * @param tiles the tiles, one row each
     * @param options window options for predicting each run (tiles up to the window are one
     *     pass)
     * @param panel panel size in pixels (the longer side)
     * @param title the figure title
     * @param png the PNG to write
     * @param progress one step per run
     * @throws IOException on read or write failure
     */
    public static void figure(List<Path> runs, List<Tile> tiles,
            java.util.function.Function<io.fadconv.run.RunInfo, PredictOptions> options,
            int panel, String title, Path png, ProgressListener progress) throws IOException {
        figure(runs, tiles, options, run -> run, panel, title, png, progress);
    }

    /** Adjusts an opened run before it predicts (e.g. which scene bands feed its inputs). */
    @FunctionalInterface
    public interface RunAdapter {
        /**
         * @param run the opened run
         * @return the run to predict with
         * @throws IOException when checking the tiles fails
         */
        RunFolder.Trained adapt(RunFolder.Trained run) throws IOException;
    }

    /**
     * Predicts the tiles with every run, each adjusted by {@code adapter}, and writes the grid.
     *
     * @param runs run folders, one column each, in order
     * @param tiles the tiles, one row each
     * @param options window options for predicting each run
     * @param adapter adjusts each opened run (band mapping, input checks)
     * @param panel panel size in pixels (the longer side)
     * @param title the figure title
     * @param png the PNG to write
     * @param progress one step per run
     * @throws IOException on read or write failure
     */
    public static void figure(List<Path> runs, List<Tile> tiles,
            java.util.function.Function<io.fadconv.run.RunInfo, PredictOptions> options,
            RunAdapter adapter, int panel, String title, Path png, ProgressListener progress)
            throws IOException {
        if (runs.isEmpty() || tiles.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one run and one tile");
        }
        if (panel < 64 || panel > 1024) {
            throw new IllegalArgumentException("panel size must be 64 to 1024, got " + panel);
        }
        List<RunInfo> infos = new ArrayList<>();
        for (Path r : runs) {
            infos.add(RunInfo.load(new RunFolder(r).info()));
        }
        ClassScheme classes = infos.get(0).classes();
        for (int i = 1; i < infos.size(); i++) {
            ClassScheme c = infos.get(i).classes();
            if (!c.names().equals(classes.names()) || c.cropland() != classes.cropland()) {
                throw new IllegalArgumentException(runs.get(i) + " predicts " + c.names() + " but "
                        + runs.get(0) + " predicts " + classes.names() + "; compare runs of the "
                        + "same classes");
            }
        }
        List<Loaded> loaded = new ArrayList<>();
        for (Tile t : tiles) {
            loaded.add(load(t, classes));
        }
        List<List<byte[]>> predictions = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            List<byte[]> perTile = new ArrayList<>();
            try (NDManager m = Djl.engine().newBaseManager()) {
                RunFolder.Trained run = adapter.adapt(new RunFolder(runs.get(r)).open(m, 64));
                SceneMapper mapper = new SceneMapper(run, options.apply(run.info()));
                for (Tile t : tiles) {
                    perTile.add(mapper.classes(t.image()));
                }
            }
            predictions.add(perTile);
            progress.update(r + 1, runs.size(), "runs");
        }
        List<String> heads = new ArrayList<>(List.of("(a) image", "(b) label"));
        List<String> subs = new ArrayList<>(List.of("", ""));
        for (int r = 0; r < runs.size(); r++) {
            heads.add("(" + (char) ('c' + r) + ") " + runs.get(r).getFileName());
            subs.add(infos.get(r).model().name() + " " + infos.get(r).model().conv());
        }
        Figures.writePng(render(loaded, predictions, classes, heads, subs, panel, title), png);
    }

    private static Loaded load(Tile t, ClassScheme classes) throws IOException {
        RasterInfo info;
        try (RasterReader r = RasterReader.open(t.image())) {
            info = r.info();
        }
        if (Math.max(info.width(), info.height()) > MAX_TILE) {
            throw new IllegalArgumentException(t.image() + " is " + info.width() + "x"
                    + info.height() + "; comparison tiles are up to " + MAX_TILE + " pixels a side");
        }
        int[] label;
        try (ClassMapReader r = ClassMapReader.open(t.label(), classes)) {
            if (r.info().width() != info.width() || r.info().height() != info.height()) {
                throw new IllegalArgumentException(t.label() + " is " + r.info().width() + "x"
                        + r.info().height() + " but its image " + t.image() + " is "
                        + info.width() + "x" + info.height());
            }
            label = r.read(r.info().extent());
        }
        return new Loaded(FilePaths.stem(t.image()), RgbComposite.read(t.image(), null, MAX_TILE),
                label,
                info.width(), info.height());
    }

    private static BufferedImage render(List<Loaded> tiles, List<List<byte[]>> predictions,
            ClassScheme classes, List<String> heads, List<String> subs, int panel, String title) {
        int pad = Figures.PAD;
        int cols = heads.size();
        int textW = 0;
        for (int k = 0; k < cols; k++) {
            textW = Math.max(textW, Math.max(Figures.width(Figures.HEADING, heads.get(k)),
                    Figures.width(Figures.SMALL, subs.get(k))));
        }
        int colW = Math.max(panel, textW) + 2 * pad;
        int lineH = Figures.lineHeight(Figures.HEADING);
        int lineS = Figures.lineHeight(Figures.SMALL);
        int titleH = Figures.lineHeight(Figures.TITLE);
        int headerH = lineH + lineS + 6;
        int rowH = panel + lineS + 2 * pad;
        int[] colors = classes.colors();
        List<int[]> shown = new ArrayList<>();
        for (int t = 0; t < tiles.size(); t++) {
            shown.add(tiles.get(t).label());
            for (List<byte[]> run : predictions) {
                shown.add(ids(run.get(t)));
            }
        }
        Figures.Legend legend = legend(classes, shown);
        List<String> names = legend.names();
        int legendW = 0;
        for (String n : names) {
            legendW += Figures.SWATCH + 8 + Figures.width(Figures.LABEL, n) + 2 * pad;
        }
        int width = Math.max(cols * colW + 2 * pad, Math.max(legendW + 2 * pad,
                Figures.width(Figures.TITLE, title) + 2 * pad));
        int legendH = Figures.SWATCH + 10;
        int height = pad + titleH + pad + headerH + tiles.size() * rowH + legendH + pad;
        BufferedImage out = Figures.canvas(width, height);
        Graphics2D g = Figures.graphics(out);
        Figures.text(g, Figures.TITLE, title, pad, pad);
        int top = pad + titleH + pad;
        for (int k = 0; k < cols; k++) {
            int cx = pad + k * colW + colW / 2;
            Figures.centred(g, Figures.HEADING, heads.get(k), cx, top);
            Figures.centred(g, Figures.SMALL, subs.get(k), cx, top + lineH);
        }
        top += headerH;
        for (int t = 0; t < tiles.size(); t++) {
            Loaded tile = tiles.get(t);
            double scale = (double) panel / Math.max(tile.width(), tile.height());
            int pw = Math.max(1, (int) Math.round(tile.width() * scale));
            int ph = Math.max(1, (int) Math.round(tile.height() * scale));
            int y = top + t * rowH;
            List<BufferedImage> panels = new ArrayList<>();
            List<String> captions = new ArrayList<>();
            panels.add(Figures.scaled(tile.rgb(), pw, ph, true));
            captions.add(tile.name());
            panels.add(Figures.scaled(ClassMapImages.render(tile.label(), tile.width(),
                    tile.height(), colors), pw, ph, false));
            captions.add(tile.width() + " x " + tile.height() + " px");
            for (List<byte[]> run : predictions) {
                int[] ids = ids(run.get(t));
                panels.add(Figures.scaled(ClassMapImages.render(ids, tile.width(), tile.height(),
                        colors), pw, ph, false));
                captions.add(scores(ids, tile.label(), classes));
            }
            for (int k = 0; k < cols; k++) {
                int x = pad + k * colW + (colW - pw) / 2;
                Figures.framed(g, panels.get(k), x, y);
                Figures.centred(g, Figures.SMALL, captions.get(k), pad + k * colW + colW / 2,
                        y + ph + 4);
            }
        }
        int x = pad;
        int ly = top + tiles.size() * rowH;
        for (int c = 0; c < names.size(); c++) {
            Figures.legend(g, x, ly, List.of(names.get(c)), new int[] {legend.colors()[c]});
            x += Figures.SWATCH + 8 + Figures.width(Figures.LABEL, names.get(c)) + 2 * pad;
        }
        g.dispose();
        return out;
    }

    /**
     * The legend's entries: the classes, and "no data" in the grey the panels show where a
     * label or a prediction has no class.
     */
    static Figures.Legend legend(ClassScheme classes, List<int[]> panels) {
        boolean noData = false;
        for (int[] ids : panels) {
            for (int v : ids) {
                noData |= v < 0 || v >= classes.classes();
            }
        }
        return ClassMapImages.legend(classes.names(), classes.colors(), noData);
    }

    private static int[] ids(byte[] classes) {
        int[] ids = new int[classes.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = classes[i] & 0xFF;
        }
        return ids;
    }

    /** "OA 91.2%, farmland IoU 0.83" over the labelled pixels. */
    static String scores(int[] predicted, int[] label, ClassScheme classes) {
        int crop = classes.cropland();
        long valid = 0;
        long right = 0;
        long inter = 0;
        long union = 0;
        for (int i = 0; i < label.length; i++) {
            if (label[i] == ClassStrips.NODATA || predicted[i] == ClassStrips.NODATA) {
                continue;
            }
            valid++;
            right += predicted[i] == label[i] ? 1 : 0;
            boolean p = predicted[i] == crop;
            boolean l = label[i] == crop;
            inter += p && l ? 1 : 0;
            union += p || l ? 1 : 0;
        }
        String iou = union == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) inter / union);
        return String.format(Locale.ROOT, "OA %.1f%%, %s IoU %s", valid == 0 ? Double.NaN
                : 100.0 * right / valid, classes.names().get(crop), iou);
    }

    /**
     * Tiles with labels found by {@link #findLabel}, or given one per tile.
     *
     * @param images the image tiles
     * @param labels their labels, or empty to find them
     * @return the tiles
     */
    public static List<Tile> tiles(List<Path> images, List<Path> labels) {
        if (!labels.isEmpty() && labels.size() != images.size()) {
            throw new IllegalArgumentException("give one label per tile: " + images.size()
                    + " tiles but " + labels.size() + " labels");
        }
        List<Tile> t = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            t.add(new Tile(images.get(i), labels.isEmpty() ? findLabel(images.get(i))
                    : labels.get(i)));
        }
        return t;
    }
}
