package io.fadconv.data;

import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where to cut scenes into samples: whole files (tiles already cut), or a grid of square windows.
 * Cutting opens each image and label header (never the pixels) and checks that they agree.
 *
 * @param size window width and height; 0 for whole files
 * @param stride step between windows (= size for non-overlapping tiles, as in the paper)
 */
public record Tiling(int size, int stride) {

    /** Validates. */
    public Tiling {
        if (size < 0 || size > 0 && (stride < 1 || stride > size) || size == 0 && stride != 0) {
            throw new IllegalArgumentException("tiling needs size >= 1 and 1 <= stride <= size (or "
                    + "size 0 for whole files), got size " + size + ", stride " + stride);
        }
    }

    /**
     * One sample per file.
     *
     * @return the tiling
     */
    public static Tiling wholeFiles() {
        return new Tiling(0, 0);
    }

    /**
     * Non-overlapping square tiles from the top-left; the partial tiles at the right and bottom
     * edges are dropped (a 7200 x 6800 GID scene gives 14 x 13 tiles of 512).
     *
     * @param size the tile size
     * @return the tiling
     */
    public static Tiling grid(int size) {
        return new Tiling(size, size);
    }

    /**
     * Cuts every scene of a dataset.
     *
     * @param source the dataset
     * @return the samples, scene by scene, rows then columns
     * @throws IOException when a header cannot be read
     * @throws IllegalArgumentException naming the file when an image and its label differ in
     *     size, images differ in band count, or whole-file tiles differ in size
     */
    public List<Sample> cut(DatasetSource source) throws IOException {
        List<Sample> out = new ArrayList<>();
        RasterInfo first = null;
        Scene firstScene = null;
        for (Scene s : source.scenes()) {
            RasterInfo img;
            try (RasterReader r = RasterReader.open(s.image())) {
                img = r.info();
            }
            if (s.label() != null) {
                RasterInfo lab;
                try (RasterReader r = RasterReader.open(s.label())) {
                    lab = r.info();
                }
                if (lab.width() != img.width() || lab.height() != img.height()) {
                    throw new IllegalArgumentException(s.label() + ": label is " + lab.width() + "x"
                            + lab.height() + " but its image " + s.image().getFileName() + " is "
                            + img.width() + "x" + img.height());
                }
            }
            if (first == null) {
                first = img;
                firstScene = s;
            } else if (img.bands() != first.bands()) {
                throw new IllegalArgumentException(s.image() + ": has " + img.bands() + " bands but "
                        + firstScene.image().getFileName() + " has " + first.bands()
                        + "; a dataset's images must have the same bands");
            }
            if (size == 0) {
                if (img.width() != first.width() || img.height() != first.height()) {
                    throw new IllegalArgumentException(s.image() + ": tile is " + img.width() + "x"
                            + img.height() + " but " + firstScene.image().getFileName() + " is "
                            + first.width() + "x" + first.height() + "; tiles of one dataset must "
                            + "have one size (or cut them with a grid tiling)");
                }
                out.add(new Sample(s.name(), s.group(), s, img.extent()));
                continue;
            }
            if (img.width() < size || img.height() < size) {
                throw new IllegalArgumentException(s.image() + ": is " + img.width() + "x"
                        + img.height() + ", smaller than one " + size + "x" + size + " tile");
            }
            for (int y = 0; y + size <= img.height(); y += stride) {
                for (int x = 0; x + size <= img.width(); x += stride) {
                    String at = "@" + x + "," + y;
                    out.add(new Sample(s.name() + at, s.group() + at, s,
                            new Window(x, y, size, size)));
                }
            }
        }
        return out;
    }
}
