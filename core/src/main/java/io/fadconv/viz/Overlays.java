package io.fadconv.viz;

import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.ChangeMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CNA overlay: cropland losses painted in the colour of what they became over the t2 image
 * (or, without one, over a grey background), stable cropland lightly tinted, with a legend of
 * areas in hectares, the minimum mapping unit and, with a truth, precision / recall / F1.
 */
public final class Overlays {

    /** Opacity of loss colours over the image. */
    static final double LOSS_ALPHA = 0.85;
    /** Opacity of the stable-cropland tint. */
    static final double STABLE_ALPHA = 0.35;
    private static final int BACKGROUND = 0x505050;

    private Overlays() {}

    /**
     * Writes the overlay PNG.
     *
     * @param changeMap the change map GeoTIFF ({@link ChangeCodes} values)
     * @param stats its statistics (codes, areas)
     * @param image the t2 image to draw on, or null for a plain background
     * @param rgbBands red, green, blue bands of the image (0-based), or null for
     *     {@link RgbComposite#defaultBands}
     * @param title the title line
     * @param png the PNG to write
     * @throws IOException on read or write failure
     */
    public static void cna(Path changeMap, AreaStatistics stats, Path image, int[] rgbBands,
            String title, Path png) throws IOException {
        try (RasterReader r = image == null ? null : RasterReader.open(image)) {
            cnaOn(changeMap, stats, r, rgbBands, title, png);
        }
    }

    /**
     * The same on an image open already (the t2 scene a command mapped through that reader).
     *
     * @param changeMap the change map GeoTIFF ({@link ChangeCodes} values)
     * @param stats its statistics (codes, areas)
     * @param image the t2 image to draw on (left open), or null for a plain background
     * @param rgbBands red, green, blue bands of the image (0-based), or null for
     *     {@link RgbComposite#defaultBands}
     * @param title the title line
     * @param png the PNG to write
     * @throws IOException on read or write failure
     */
    public static void cnaOn(Path changeMap, AreaStatistics stats, RasterReader image,
            int[] rgbBands, String title, Path png) throws IOException {
        ChangeCodes codes = stats.codes();
        int[] change;
        int w;
        int h;
        int f;
        long[] counts = new long[256];
        try (RasterReader r = RasterReader.open(changeMap)) {
            f = Subsampled.factor(r.info().width(), r.info().height(),
                    ClassMapImages.PREVIEW_SIZE);
            change = Subsampled.ints(r, f, counts);
            w = Subsampled.size(r.info().width(), f);
            h = Subsampled.size(r.info().height(), f);
        }
        BufferedImage base;
        if (image != null) {
            base = RgbComposite.read(image, rgbBands, ClassMapImages.PREVIEW_SIZE);
            if (base.getWidth() != w || base.getHeight() != h) {
                throw new IllegalArgumentException(image.file() + " is not the size of "
                        + changeMap + "; give the t2 image of the change map");
            }
        } else {
            base = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < w * h; i++) {
                base.setRGB(i % w, i / w, BACKGROUND);
            }
        }
        int[] colors = codes.colors();
        for (int i = 0; i < change.length; i++) {
            int c = change[i];
            if (codes.isLoss(c) || c == ChangeCodes.STABLE) {
                int x = i % w;
                int y = i / w;
                double a = c == ChangeCodes.STABLE ? STABLE_ALPHA : LOSS_ALPHA;
                base.setRGB(x, y, blend(base.getRGB(x, y), colors[c], a));
            } else if (c == ChangeCodes.NODATA) {
                base.setRGB(i % w, i / w, ClassMapImages.NODATA_COLOR);
            }
        }
        int k = ClassMapImages.enlargement(w, h);
        if (k > 1) {
            base = Figures.scaled(base, w * k, h * k, false);
        }
        List<String> names = new ArrayList<>();
        List<Integer> swatches = new ArrayList<>();
        for (int c = ChangeCodes.FIRST_LOSS; c < codes.count(); c++) {
            names.add(String.format(Locale.ROOT, "%s  %s ha", codes.name(c).replace("->", "\u2192"),
                    hectares(stats.hectares(stats.pixels()[c]))));
            swatches.add(colors[c]);
        }
        names.add(String.format(Locale.ROOT, "%s  %s ha", codes.name(ChangeCodes.STABLE),
                hectares(stats.hectares(stats.pixels()[ChangeCodes.STABLE]))));
        swatches.add(colors[ChangeCodes.STABLE]);
        Figures.Legend legend = ClassMapImages.legend(names,
                swatches.stream().mapToInt(Integer::intValue).toArray(),
                counts[ChangeCodes.NODATA] > 0);
        String crop = codes.classes().names().get(codes.classes().cropland());
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s loss: %s ha (%.1f%% of t1 %s)", crop,
                hectares(stats.hectares(stats.lossPixels())),
                stats.percentOfCroplandBefore(stats.lossPixels()), crop));
        notes.add(String.format(Locale.ROOT, "pixel area %s m\u00b2", Figures.tick(
                stats.area().squareMetres())));
        AreaStatistics.Sieve s = stats.sieve();
        if (s.minPatch() > 1) {
            notes.add(String.format(Locale.ROOT, "min. mapping unit %d px (%d-connected): "
                    + "%d of %d patches removed", s.minPatch(), s.connectivity(),
                    s.removedPatches(), s.patches()));
        }
        ChangeMetrics m = stats.metrics();
        if (m != null) {
            notes.add(String.format(Locale.ROOT, "vs truth: precision %.3f, recall %.3f, F1 %.3f,"
                    + " IoU %.3f", m.precision(), m.recall(), m.f1(), m.iou()));
        }
        String caption = Subsampled.caption(f);
        BufferedImage fig = ClassMapImages.withLegend(base, title, "Cropland change (area)",
                legend.names(), legend.colors(), caption);
        Figures.writePng(withNotes(fig, notes), png);
    }

    private static String hectares(double ha) {
        return ha >= 100 ? String.format(Locale.ROOT, "%,.0f", ha)
                : String.format(Locale.ROOT, "%.2f", ha);
    }

    /** The figure with lines of text added under it. */
    private static BufferedImage withNotes(BufferedImage fig, List<String> notes) {
        int line = Figures.lineHeight(Figures.LABEL);
        int width = fig.getWidth();
        for (String n : notes) {
            width = Math.max(width, Figures.width(Figures.LABEL, n) + 2 * Figures.PAD);
        }
        BufferedImage out = Figures.canvas(width, fig.getHeight() + notes.size() * line
                + Figures.PAD);
        java.awt.Graphics2D g = Figures.graphics(out);
        g.drawImage(fig, 0, 0, null);
        for (int i = 0; i < notes.size(); i++) {
            Figures.text(g, Figures.LABEL, notes.get(i), Figures.PAD, fig.getHeight() + i * line);
        }
        g.dispose();
        return out;
    }

    static int blend(int under, int over, double alpha) {
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double v = (1 - alpha) * (under >> shift & 0xFF) + alpha * (over >> shift & 0xFF);
            out |= (int) Math.round(v) << shift;
        }
        return out;
    }
}
