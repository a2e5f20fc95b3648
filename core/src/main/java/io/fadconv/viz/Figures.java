package io.fadconv.viz;

import io.fadconv.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Drawing helpers shared by the PNG figures: fonts, titles, legends with colour swatches, colour
 * bars and atomic PNG writing. Rendering is headless (no display needed).
 */
public final class Figures {

    /** Figure titles. */
    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    /** Legend and panel headings. */
    public static final Font HEADING = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    /** Panel titles and legend entries. */
    public static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    /** Captions and tick labels. */
    public static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Space around and between elements. */
    public static final int PAD = 12;
    /** Legend swatch size. */
    public static final int SWATCH = 16;

    static {
        headless();
    }

    private Figures() {}

    /**
     * The entries of a legend.
     *
     * @param names the entries
     * @param colors their colours (0xRRGGBB)
     */
    record Legend(List<String> names, int[] colors) {}

    /**
     * Makes AWT headless (no display needed); call before the first drawing. Figures do this
     * when first used.
     */
    public static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * A white canvas.
     *
     * @param width pixels
     * @param height pixels
     * @return the image
     */
    public static BufferedImage canvas(int width, int height) {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(im);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return im;
    }

    /**
     * A graphics context with antialiased text and lines.
     *
     * @param im the image
     * @return the context; dispose it
     */
    public static Graphics2D graphics(BufferedImage im) {
        Graphics2D g = im.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS,
                RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        return g;
    }

    /**
     * The width of a text in a font.
     *
     * @param font the font
     * @param text the text
     * @return pixels
     */
    public static int width(Font font, String text) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(probe);
        int w = g.getFontMetrics(font).stringWidth(text);
        g.dispose();
        return w;
    }

    /**
     * Draws text centred on {@code cx} with its top at {@code top}.
     *
     * @param g the context
     * @param font the font
     * @param text the text
     * @param cx the centre
     * @param top the top of the text
     * @return the text height
     */
    public static int centred(Graphics2D g, Font font, String text, int cx, int top) {
        g.setFont(font);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, cx - fm.stringWidth(text) / 2, top + fm.getAscent());
        return fm.getHeight();
    }

    /**
     * Draws text with its top-left corner at (x, top).
     *
     * @param g the context
     * @param font the font
     * @param text the text
     * @param x left
     * @param top top
     * @return the text height
     */
    public static int text(Graphics2D g, Font font, String text, int x, int top) {
        g.setFont(font);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, x, top + fm.getAscent());
        return fm.getHeight();
    }

    /**
     * The line height of a font.
     *
     * @param font the font
     * @return pixels
     */
    public static int lineHeight(Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(probe);
        int h = g.getFontMetrics(font).getHeight();
        g.dispose();
        return h;
    }

    /**
     * One legend entry per name: a swatch in the colour (with a grey border, so black and white
     * classes show) and the name.
     *
     * @param g the context
     * @param x left
     * @param top top
     * @param names entry texts
     * @param colors 0xRRGGBB per entry
     * @return the height used
     */
    public static int legend(Graphics2D g, int x, int top, List<String> names, int[] colors) {
        int line = Math.max(SWATCH + 6, lineHeight(LABEL));
        for (int i = 0; i < names.size(); i++) {
            int y = top + i * line;
            g.setColor(new Color(colors[i]));
            g.fillRect(x, y + (line - SWATCH) / 2, SWATCH, SWATCH);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawRect(x, y + (line - SWATCH) / 2, SWATCH, SWATCH);
            g.setFont(LABEL);
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(names.get(i), x + SWATCH + 8, y + (line + fm.getAscent() - fm.getDescent()) / 2);
        }
        return names.size() * line;
    }

    /**
     * The size of a legend.
     *
     * @param names entry texts
     * @return {width, height}
     */
    public static int[] legendSize(List<String> names) {
        int line = Math.max(SWATCH + 6, lineHeight(LABEL));
        int w = 0;
        for (String n : names) {
            w = Math.max(w, width(LABEL, n));
        }
        return new int[] {SWATCH + 8 + w, names.size() * line};
    }

    /**
     * A vertical colour bar with min, middle and max labels on its right.
     *
     * @param g the context
     * @param map the colour map
     * @param x left
     * @param top top
     * @param width bar width
     * @param height bar height
     * @param min value at the bottom
     * @param max value at the top
     * @return the width used, labels included
     */
    public static int colorBar(Graphics2D g, Heatmap map, int x, int top, int width, int height,
            double min, double max) {
        for (int y = 0; y < height; y++) {
            g.setColor(new Color(map.color(1 - (double) y / (height - 1))));
            g.drawLine(x, top + y, x + width - 1, top + y);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, top, width - 1, height - 1);
        g.setFont(SMALL);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        int labelWidth = 0;
        double[] values = {max, (min + max) / 2, min};
        for (int k = 0; k < 3; k++) {
            String s = tick(values[k]);
            int y = top + k * (height - 1) / 2 + fm.getAscent() / 2;
            g.drawLine(x + width, top + k * (height - 1) / 2, x + width + 3,
                    top + k * (height - 1) / 2);
            g.drawString(s, x + width + 6, y);
            labelWidth = Math.max(labelWidth, fm.stringWidth(s));
        }
        return width + 6 + labelWidth;
    }

    /**
     * A number for a tick label: 3 significant digits.
     *
     * @param v the value
     * @return the text
     */
    public static String tick(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        String f = a >= 1000 || a < 0.01 ? "%.2e" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(java.util.Locale.ROOT, f, v);
    }

    /**
     * Scales an image with nearest-neighbour (class maps keep crisp pixels) or bilinear
     * sampling.
     *
     * @param src the image
     * @param width new width
     * @param height new height
     * @param smooth bilinear when true
     * @return the scaled image
     */
    public static BufferedImage scaled(BufferedImage src, int width, int height, boolean smooth) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, smooth
                ? RenderingHints.VALUE_INTERPOLATION_BILINEAR
                : RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(src, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /**
     * Draws an image with a thin grey frame.
     *
     * @param g the context
     * @param im the image
     * @param x left
     * @param y top
     */
    public static void framed(Graphics2D g, BufferedImage im, int x, int y) {
        g.drawImage(im, x, y, null);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawRect(x - 1, y - 1, im.getWidth() + 1, im.getHeight() + 1);
    }

    /**
     * Writes a PNG atomically.
     *
     * @param im the image
     * @param file the file
     * @throws IOException on failure (the file is then untouched)
     */
    public static void writePng(BufferedImage im, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(im, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }
}
