package io.fadconv.infer;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.LabelCodec;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Reads class maps window by window as class ids of a {@link ClassScheme}, whatever made them:
 * <ul>
 *   <li>one band of class ids: the maps {@link SceneMapper} writes (colour table, nodata 255),
 *       or any id raster; pixels equal to the file's nodata value read as
 *       {@link ClassStrips#NODATA}; for a two-class scheme without a nodata value, 255 reads as
 *       class 1 (0/255 masks, as Hi-CNA stores them);</li>
 *   <li>three or more bands: colour-coded labels (GID), decoded with the scheme's colours.</li>
 * </ul>
 * Any other value is an error naming the file, the pixel and the value.
 */
public final class ClassMapReader implements AutoCloseable {

    private final RasterReader reader;
    private final ClassScheme classes;
    private final LabelCodec palette;

    private ClassMapReader(RasterReader reader, ClassScheme classes) {
        this.reader = reader;
        this.classes = classes;
        this.palette = reader.info().bands() >= 3
                ? LabelCodec.palette(classes.names(), classes.colors()) : null;
    }

    /**
     * Opens a class map.
     *
     * @param file the raster
     * @param classes the classes it holds
     * @return the reader; close it
     * @throws IOException when it cannot be opened
     */
    public static ClassMapReader open(Path file, ClassScheme classes) throws IOException {
        RasterReader r = RasterReader.open(file);
        int bands = r.info().bands();
        if (bands == 2 || !r.info().sampleType().isInteger()) {
            r.close();
            throw new IllegalArgumentException(file + ": has " + bands + " band(s) of "
                    + r.info().sampleType().gdalName() + "; a class map has one integer band of "
                    + "class ids, or three (RGB colour-coded labels)");
        }
        return new ClassMapReader(r, classes);
    }

    /** @return the raster's header */
    public RasterInfo info() {
        return reader.info();
    }

    /** @return the file */
    public Path file() {
        return reader.file();
    }

    /**
     * Class ids of a window.
     *
     * @param w the window
     * @return {@code w.pixels()} class ids, row-major; {@link ClassStrips#NODATA} where no data
     * @throws IOException on read failure
     */
    public int[] read(Window w) throws IOException {
        if (palette != null) {
            return palette.decode(reader, w);
        }
        int[] v = reader.readWindowInts(w);
        OptionalDouble nodata = reader.info().nodata();
        int nd = nodata.isPresent() ? (int) nodata.getAsDouble() : Integer.MIN_VALUE;
        boolean mask255 = classes.classes() == 2 && nodata.isEmpty();
        for (int i = 0; i < v.length; i++) {
            int x = v[i];
            if (x == nd) {
                v[i] = ClassStrips.NODATA;
            } else if (x == 255 && mask255) {
                v[i] = 1;
            } else if (x < 0 || x >= classes.classes()) {
                throw new IllegalArgumentException(file() + ": pixel (x=" + (w.x() + i % w.width())
                        + ", y=" + (w.y() + i / w.width()) + ") holds " + x + ", which is not a "
                        + "class id of " + String.join("/", classes.names()) + " (0.."
                        + (classes.classes() - 1) + ")" + (nodata.isPresent() ? " or the nodata "
                        + "value " + nd : "") + "; is this a class map of these classes?");
            }
        }
        return v;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
