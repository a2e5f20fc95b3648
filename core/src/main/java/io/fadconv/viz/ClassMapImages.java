package io.fadconv.viz;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.ClassStrips;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of class maps in the run's class colours, and the PNG preview written beside a
 * predicted class map: the map (subsampled to at most {@link #PREVIEW_SIZE} pixels a side,
 * enlarged by whole pixels when small), a title, and a legend with each class's share of the
 * scene.
 */
public final class ClassMapImages {

    /** Longest side of a preview (an 8192 x 8192 map is shown at 1/4). */
    public static final int PREVIEW_SIZE = 2048;
    /** Small maps are enlarged by whole pixels to at least this size. */
    static final int MIN_SIZE = 512;
    /** Colour of values outside the classes (no data). */
    static final int NODATA_COLOR = RgbComposite.NODATA_COLOR;
    /** The legend entry of {@link #NODATA_COLOR}. */
    static final String NODATA_NAME = "no data";

    private ClassMapImages() {}

    /**
     * Colours class ids.
     *
     * @param ids row-major class ids; values past the colours (255 = no data) are light grey
     * @param width columns
     * @param height rows
     * @param colors 0xRRGGBB by class id
     * @return the picture
     */
    public static BufferedImage render(int[] ids, int width, int height, int[] colors) {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int c = ids[i];
            rgb[i] = c >= 0 && c < colors.length ? colors[c] : NODATA_COLOR;
        }
        im.setRGB(0, 0, width, height, rgb, 0, width);
        return im;
    }

    /**
     * The whole-pixel enlargement that brings a picture to at least {@link #MIN_SIZE}.
     *
     * @param width columns
     * @param height rows
     * @return 1 or more
     */
    static int enlargement(int width, int height) {
        int longest = Math.max(width, height);
        return Math.max(1, (MIN_SIZE + longest - 1) / longest);
    }

    /**
     * Writes the preview of a class map GeoTIFF (read in strips: any size).
     *
     * @param classMap the class map (one band of class ids, 255 = no data)
     * @param classes the classes
     * @param title the title line
     * @param png the PNG to write
     * @throws IOException on read or write failure
     */
    public static void preview(Path classMap, ClassScheme classes, String title, Path png)
            throws IOException {
        int[] ids;
        long[] counts = new long[256];
        int w;
        int h;
        int f;
        try (RasterReader r = RasterReader.open(classMap)) {
            f = Subsampled.factor(r.info().width(), r.info().height(), PREVIEW_SIZE);
            ids = Subsampled.ints(r, f, counts);
            w = Subsampled.size(r.info().width(), f);
            h = Subsampled.size(r.info().height(), f);
        }
        long valid = 0;
        for (int c = 0; c < classes.classes(); c++) {
            valid += counts[c];
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes.classes(); c++) {
            names.add(String.format(Locale.ROOT, "%s  %.1f%%", classes.names().get(c),
                    valid == 0 ? 0 : 100.0 * counts[c] / valid));
        }
        Figures.Legend legend = legend(names, classes.colors(),
                counts[ClassStrips.NODATA] > 0);
        BufferedImage map = render(ids, w, h, classes.colors());
        int k = enlargement(w, h);
        if (k > 1) {
            map = Figures.scaled(map, w * k, h * k, false);
        }
        String caption = Subsampled.caption(f);
        Figures.writePng(withLegend(map, title, "Classes (share of pixels with data)",
                legend.names(), legend.colors(), caption), png);
    }

    /**
     * Legend entries with "no data" in {@link #NODATA_COLOR} added when the picture shows it.
     *
     * @param names the entries
     * @param colors their colours
     * @param noData whether the picture has pixels without data
     * @return the entries
     */
    static Figures.Legend legend(List<String> names, int[] colors, boolean noData) {
        if (!noData) {
            return new Figures.Legend(List.copyOf(names), colors.clone());
        }
        List<String> n = new ArrayList<>(names);
        n.add(NODATA_NAME);
        int[] c = java.util.Arrays.copyOf(colors, colors.length + 1);
        c[colors.length] = NODATA_COLOR;
        return new Figures.Legend(List.copyOf(n), c);
    }

    /**
     * A picture with a title above and a legend on the right.
     *
     * @param picture the picture
     * @param title the title
     * @param legendTitle the legend's heading
     * @param names legend entries
     * @param colors their colours
     * @param caption a line under the picture, or null
     * @return the composed figure
     */
    static BufferedImage withLegend(BufferedImage picture, String title, String legendTitle,
            List<String> names, int[] colors, String caption) {
        int pad = Figures.PAD;
        int titleH = Figures.lineHeight(Figures.TITLE);
        int[] legend = Figures.legendSize(names);
        int legendW = Math.max(legend[0], Figures.width(Figures.HEADING, legendTitle));
        int captionH = caption == null ? 0 : Figures.lineHeight(Figures.SMALL) + 4;
        int width = Math.max(pad + picture.getWidth() + 2 * pad + legendW + pad,
                Figures.width(Figures.TITLE, title) + 2 * pad);
        int height = pad + titleH + pad
                + Math.max(picture.getHeight() + captionH, Figures.lineHeight(Figures.HEADING)
                        + 6 + legend[1]) + pad;
        BufferedImage out = Figures.canvas(width, height);
        Graphics2D g = Figures.graphics(out);
        Figures.text(g, Figures.TITLE, title, pad, pad);
        int top = pad + titleH + pad;
        Figures.framed(g, picture, pad, top);
        if (caption != null) {
            Figures.text(g, Figures.SMALL, caption, pad, top + picture.getHeight() + 4);
        }
        int lx = pad + picture.getWidth() + 2 * pad;
        int lh = Figures.text(g, Figures.HEADING, legendTitle, lx, top);
        Figures.legend(g, lx, top + lh + 6, names, colors);
        g.dispose();
        return out;
    }
}
