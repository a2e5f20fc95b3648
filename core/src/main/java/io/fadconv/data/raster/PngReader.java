package io.fadconv.data.raster;

import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a PNG tile (8 or 16-bit grey, RGB, RGBA or palette) for folder-of-tiles datasets. The
 * whole image is decoded on first read: PNG has no windows, so use it for tiles, not scenes. A
 * palette PNG returns its indices and reports its palette as {@link RasterInfo#colorMap()}.
 * PNGs are reported as Deflate-compressed, one block, not georeferenced.
 */
public final class PngReader implements RasterReader {

    private final Path file;
    private final RasterInfo info;
    private Raster raster;

    private PngReader(Path file, RasterInfo info) {
        this.file = file;
        this.info = info;
    }

    /**
     * Opens a PNG and reads its header.
     *
     * @param file the file
     * @return the reader
     * @throws IOException when it cannot be read
     */
    public static PngReader open(Path file) throws IOException {
        io.fadconv.util.FilePaths.requireFile(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IllegalArgumentException(file + ": not a PNG file");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                var type = r.getRawImageType(0);
                if (type == null) {
                    type = r.getImageTypes(0).next();
                }
                int bands = type.getSampleModel().getNumBands();
                int bits = type.getSampleModel().getSampleSize(0);
                SampleType st = bits == 16 ? SampleType.UINT16 : SampleType.UINT8;
                ColorMap cm = null;
                int photometric = bands >= 3 ? TiffTags.PHOTOMETRIC_RGB
                        : TiffTags.PHOTOMETRIC_MIN_IS_BLACK;
                if (type.getColorModel() instanceof IndexColorModel icm) {
                    int[] rgb = new int[icm.getMapSize()];
                    icm.getRGBs(rgb);
                    cm = ColorMap.of(rgb);
                    photometric = TiffTags.PHOTOMETRIC_PALETTE;
                }
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                return new PngReader(file, new RasterInfo(w, h, bands, st, Compression.DEFLATE, 1,
                        false, w, h, false, photometric, OptionalDouble.empty(),
                        GeoReference.none(), cm));
            } catch (IOException | RuntimeException e) {
                if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                        && iae.getMessage().startsWith(file.toString())) {
                    throw iae;
                }
                throw new IllegalArgumentException(file + ": corrupt PNG (" + e.getMessage() + ")",
                        e);
            } finally {
                r.dispose();
            }
        }
    }

    @Override
    public RasterInfo info() {
        return info;
    }

    @Override
    public Path file() {
        return file;
    }

    private Raster raster() throws IOException {
        if (raster == null) {
            try {
                var img = ImageIO.read(file.toFile());
                if (img == null) {
                    throw new IllegalArgumentException(file + ": not a PNG file");
                }
                raster = img.getRaster();
            } catch (IOException | RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw e;
                }
                throw new IllegalArgumentException(file + ": corrupt or truncated PNG ("
                        + e.getMessage() + ")", e);
            }
        }
        return raster;
    }

    @Override
    public float[] readWindow(Window window, int... bands) throws IOException {
        int[] ints = readWindowInts(window, bands);
        float[] f = new float[ints.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = ints[i];
        }
        return f;
    }

    @Override
    public int[] readWindowInts(Window w, int... bands) throws IOException {
        if (!w.fitsIn(info.width(), info.height())) {
            throw new IllegalArgumentException(file + ": window " + w + " reaches outside the "
                    + info.width() + "x" + info.height() + " raster");
        }
        int[] sel = bands.length == 0 ? java.util.stream.IntStream.range(0, info.bands()).toArray()
                : bands;
        Raster r = raster();
        int n = (int) w.pixels();
        int[] out = new int[sel.length * n];
        int[] tmp = new int[n];
        for (int k = 0; k < sel.length; k++) {
            if (sel[k] < 0 || sel[k] >= info.bands()) {
                throw new IllegalArgumentException(file + ": band " + sel[k]
                        + " requested but the file has " + info.bands() + " band(s)");
            }
            r.getSamples(w.x(), w.y(), w.width(), w.height(), sel[k], tmp);
            System.arraycopy(tmp, 0, out, k * n, n);
        }
        return out;
    }

    @Override
    public void close() {
        raster = null;
    }
}
