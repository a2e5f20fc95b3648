package io.fadconv.data;

import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * How a label file encodes class ids: colour-coded (GID), a binary mask (Hi-CNA) or the ids
 * themselves. Decoding checks every pixel: a value outside the encoding is an error naming the
 * file, the pixel and the value.
 */
public interface LabelCodec {

    /**
     * Class names by id.
     *
     * @return names, index = class id
     */
    List<String> classNames();

    /**
     * The number of classes.
     *
     * @return classNames().size()
     */
    default int numClasses() {
        return classNames().size();
    }

    /**
     * Class ids of a window of a label file.
     *
     * @param label the label file
     * @param window the window
     * @return {@code height x width} class ids, row-major
     * @throws IOException on read failure
     * @throws IllegalArgumentException for a value outside the encoding
     */
    int[] decode(RasterReader label, Window window) throws IOException;

    /**
     * One line for messages and the README.
     *
     * @return a description
     */
    String describe();

    /**
     * Colour-coded labels: RGB label images (3 or more bands; bands 1-3 are read), or palette
     * images whose colour table gives the colours.
     *
     * @param names class names by id
     * @param colors 0xRRGGBB colour of each class, same order
     * @return the codec
     */
    static LabelCodec palette(List<String> names, int[] colors) {
        return new Palette(List.copyOf(names), colors.clone());
    }

    /**
     * Binary masks with one band: 0 is class 0; 1 and 255 are class 1 (both conventions occur).
     *
     * @param negative name of class 0
     * @param positive name of class 1
     * @return the codec
     */
    static LabelCodec binaryMask(String negative, String positive) {
        return new BinaryMask(List.of(negative, positive));
    }

    /**
     * Single-band labels holding class ids 0 .. names.size()-1.
     *
     * @param names class names by id
     * @return the codec
     */
    static LabelCodec classIds(List<String> names) {
        return new ClassIds(List.copyOf(names));
    }

    private static IllegalArgumentException badPixel(RasterReader label, Window w, int i,
            String what, String allowed) {
        int x = w.x() + i % w.width();
        int y = w.y() + i / w.width();
        return new IllegalArgumentException(label.file() + ": pixel (x=" + x + ", y=" + y + ") "
                + what + "; " + allowed);
    }

    private static void requireSingleBand(RasterReader label, String codec) {
        if (label.info().bands() != 1) {
            throw new IllegalArgumentException(label.file() + ": has " + label.info().bands()
                    + " bands; " + codec + " labels have one band");
        }
    }

    /** Colour-coded labels. */
    record Palette(List<String> classNames, int[] colors) implements LabelCodec {

        /** Validates. */
        public Palette {
            if (classNames.size() != colors.length || colors.length == 0) {
                throw new IllegalArgumentException("palette needs one colour per class, got "
                        + colors.length + " colours for " + classNames.size() + " classes");
            }
        }

        @Override
        public int[] decode(RasterReader label, Window w) throws IOException {
            RasterInfo info = label.info();
            int n = (int) w.pixels();
            int[] rgb = new int[n];
            if (info.bands() >= 3) {
                int[] v = label.readWindowInts(w, 0, 1, 2);
                for (int i = 0; i < n; i++) {
                    rgb[i] = v[i] << 16 | v[n + i] << 8 | v[2 * n + i];
                }
            } else if (info.bands() == 1 && info.colorMap() != null) {
                ColorMap cm = info.colorMap();
                int[] v = label.readWindowInts(w);
                for (int i = 0; i < n; i++) {
                    rgb[i] = cm.rgb(v[i] & 0xFF);
                }
            } else {
                throw new IllegalArgumentException(label.file() + ": has " + info.bands()
                        + " band(s) and no colour table; colour-coded labels need RGB bands");
            }
            int[] ids = new int[n];
            int last = -1;
            int lastId = -1;
            for (int i = 0; i < n; i++) {
                int c = rgb[i];
                if (c != last) {
                    lastId = indexOf(c);
                    last = c;
                }
                if (lastId < 0) {
                    throw badPixel(label, w, i, String.format(Locale.ROOT,
                            "has colour (%d, %d, %d), which is not in the palette",
                            c >> 16 & 0xFF, c >> 8 & 0xFF, c & 0xFF), "allowed: " + describe());
                }
                ids[i] = lastId;
            }
            return ids;
        }

        private int indexOf(int c) {
            for (int k = 0; k < colors.length; k++) {
                if (colors[k] == c) {
                    return k;
                }
            }
            return -1;
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < colors.length; k++) {
                sb.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "(%d,%d,%d) %s %d",
                        colors[k] >> 16 & 0xFF, colors[k] >> 8 & 0xFF, colors[k] & 0xFF,
                        classNames.get(k), k));
            }
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Palette p && classNames.equals(p.classNames)
                    && java.util.Arrays.equals(colors, p.colors);
        }

        @Override
        public int hashCode() {
            return classNames.hashCode() * 31 + java.util.Arrays.hashCode(colors);
        }

        @Override
        public String toString() {
            return "Palette[" + describe() + "]";
        }
    }

    /** 0 / (1 or 255) masks. */
    record BinaryMask(List<String> classNames) implements LabelCodec {
        @Override
        public int[] decode(RasterReader label, Window w) throws IOException {
            requireSingleBand(label, "binary mask");
            int[] v = label.readWindowInts(w);
            for (int i = 0; i < v.length; i++) {
                int x = v[i];
                if (x == 255) {
                    v[i] = 1;
                } else if (x != 0 && x != 1) {
                    throw badPixel(label, w, i, "has value " + x, "binary masks hold 0 ("
                            + classNames.get(0) + ") and 1 or 255 (" + classNames.get(1) + ")");
                }
            }
            return v;
        }

        @Override
        public String describe() {
            return "0 " + classNames.get(0) + ", 1 or 255 " + classNames.get(1);
        }
    }

    /** Labels that are the class ids. */
    record ClassIds(List<String> classNames) implements LabelCodec {
        @Override
        public int[] decode(RasterReader label, Window w) throws IOException {
            requireSingleBand(label, "class-id");
            int[] v = label.readWindowInts(w);
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0 || v[i] >= classNames.size()) {
                    throw badPixel(label, w, i, "has class id " + v[i],
                            "allowed: 0.." + (classNames.size() - 1) + " (" + describe() + ")");
                }
            }
            return v;
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < classNames.size(); k++) {
                sb.append(k == 0 ? "" : ", ").append(k).append(' ').append(classNames.get(k));
            }
            return sb.toString();
        }
    }
}
