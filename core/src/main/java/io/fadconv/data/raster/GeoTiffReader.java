package io.fadconv.data.raster;

import java.awt.Rectangle;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferFloat;
import java.awt.image.DataBufferShort;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads windows of a GeoTIFF without decoding the rest: only the tiles or strips a window touches
 * are read and decompressed, so a 512 x 512 window of a 7200 x 6800 scene costs a few tiles, not
 * the scene (see docs/geotiff-choice.md for the measurements behind using the JDK's TIFF plugin).
 *
 * <p>Pixels come back band-sequential ({@code [band][row][column]} flattened, the layout of a
 * {@code [C, H, W]} tensor). Only the first image of the file is read (GDAL overviews and masks
 * that follow it are ignored). Not thread-safe: one reader per thread.
 *
 * <p>Errors about the file's content are {@link IllegalArgumentException}s whose message starts
 * with the file name and says what is wrong.
 */
public final class GeoTiffReader implements RasterReader {

    private final Path file;
    private final RasterInfo info;
    private final ImageInputStream stream;
    private final ImageReader reader;

    private GeoTiffReader(Path file, RasterInfo info, ImageInputStream stream, ImageReader reader) {
        this.file = file;
        this.info = info;
        this.stream = stream;
        this.reader = reader;
    }

    /**
     * Opens a GeoTIFF and checks that it can be read: the header, the first image directory, the
     * sample type, compression, band count and that every tile or strip lies inside the file.
     *
     * @param file the file
     * @return the reader; close it
     * @throws IOException when the file cannot be read (missing: {@link NoSuchFileException})
     * @throws IllegalArgumentException naming the file, when its content is not supported
     */
    public static GeoTiffReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        RasterInfo info;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            info = parse(TiffDirectory.read(ch));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        ImageInputStream stream = new FileImageInputStream(file.toFile());
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("tiff");
        if (!readers.hasNext()) {
            stream.close();
            throw new IllegalStateException("this Java runtime has no TIFF reader (javax.imageio)");
        }
        ImageReader reader = readers.next();
        reader.setInput(stream, true, true);
        return new GeoTiffReader(file, info, stream, reader);
    }

    /**
     * Reads only the header of a file.
     *
     * @param file the file
     * @return what it holds
     * @throws IOException when it cannot be read
     */
    public static RasterInfo info(Path file) throws IOException {
        try (GeoTiffReader r = open(file)) {
            return r.info();
        }
    }

    /**
     * What the file holds.
     *
     * @return the raster info
     */
    @Override
    public RasterInfo info() {
        return info;
    }

    /**
     * The file.
     *
     * @return its path
     */
    @Override
    public Path file() {
        return file;
    }

    /**
     * Reads a window as floats (every supported type converts exactly; uint16 and int16 values
     * are integers in the float).
     *
     * @param window the window, inside the raster
     * @param bands 0-based band indices to read, in that order; none means all bands
     * @return {@code bands x height x width} values, band-sequential
     * @throws IOException on read failure
     * @throws IllegalArgumentException when the window or a band is out of range, or the data is
     *     corrupt
     */
    @Override
    public float[] readWindow(Window window, int... bands) throws IOException {
        int[] sel = selection(bands);
        float[] out = new float[(int) (sel.length * window.pixels())];
        decode(window, sel, out, null);
        return out;
    }

    /**
     * Reads a window of an integer raster (labels, colour-coded labels) as ints.
     *
     * @param window the window, inside the raster
     * @param bands 0-based band indices; none means all bands
     * @return {@code bands x height x width} values, band-sequential
     * @throws IOException on read failure
     */
    @Override
    public int[] readWindowInts(Window window, int... bands) throws IOException {
        if (!info.sampleType().isInteger()) {
            throw new IllegalArgumentException(file + ": holds " + info.sampleType().gdalName()
                    + " samples; integer (label) data was expected");
        }
        int[] sel = selection(bands);
        int[] out = new int[(int) (sel.length * window.pixels())];
        decode(window, sel, null, out);
        return out;
    }

    private int[] selection(int[] bands) {
        if (bands.length == 0) {
            int[] all = new int[info.bands()];
            for (int b = 0; b < all.length; b++) {
                all[b] = b;
            }
            return all;
        }
        for (int b : bands) {
            if (b < 0 || b >= info.bands()) {
                throw new IllegalArgumentException(file + ": band " + b + " requested but the file has "
                        + info.bands() + " band(s) (0.." + (info.bands() - 1) + ")");
            }
        }
        return bands.clone();
    }

    private synchronized void decode(Window w, int[] sel, float[] f, int[] ints) throws IOException {
        if (!w.fitsIn(info.width(), info.height())) {
            throw new IllegalArgumentException(file + ": window " + w + " reaches outside the "
                    + info.width() + "x" + info.height() + " raster");
        }
        Raster raster;
        try {
            ImageReadParam p = reader.getDefaultReadParam();
            p.setSourceRegion(new Rectangle(w.x(), w.y(), w.width(), w.height()));
            raster = reader.read(0, p).getRaster();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": corrupt or truncated image data in window "
                    + w + " (" + rootMessage(e) + ")", e);
        }
        int n = w.width() * w.height();
        if (raster.getSampleModel() instanceof ComponentSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            copyFast(raster.getDataBuffer(), sm, w, sel, f, ints);
        } else {
            float[] tmp = new float[n];
            for (int k = 0; k < sel.length; k++) {
                raster.getSamples(0, 0, w.width(), w.height(), sel[k], tmp);
                for (int i = 0; i < n; i++) {
                    if (f != null) {
                        f[k * n + i] = tmp[i];
                    } else {
                        ints[k * n + i] = (int) tmp[i];
                    }
                }
            }
        }
    }

    /** Copies straight from the decoded buffer (the generic Raster path is ~10x slower). */
    private static void copyFast(DataBuffer db, ComponentSampleModel sm, Window w, int[] sel,
            float[] f, int[] ints) {
        int width = w.width();
        int height = w.height();
        int n = width * height;
        int ps = sm.getPixelStride();
        int ss = sm.getScanlineStride();
        for (int k = 0; k < sel.length; k++) {
            int bank = sm.getBankIndices()[sel[k]];
            int base = sm.getBandOffsets()[sel[k]] + db.getOffsets()[bank];
            for (int y = 0; y < height; y++) {
                int src = base + y * ss;
                int o = k * n + y * width;
                switch (db.getDataType()) {
                    case DataBuffer.TYPE_BYTE -> {
                        byte[] a = ((DataBufferByte) db).getData(bank);
                        for (int x = 0; x < width; x++, src += ps) {
                            put(f, ints, o + x, a[src] & 0xFF);
                        }
                    }
                    case DataBuffer.TYPE_USHORT -> {
                        short[] a = ((DataBufferUShort) db).getData(bank);
                        for (int x = 0; x < width; x++, src += ps) {
                            put(f, ints, o + x, a[src] & 0xFFFF);
                        }
                    }
                    case DataBuffer.TYPE_SHORT -> {
                        short[] a = ((DataBufferShort) db).getData(bank);
                        for (int x = 0; x < width; x++, src += ps) {
                            put(f, ints, o + x, a[src]);
                        }
                    }
                    case DataBuffer.TYPE_FLOAT -> {
                        float[] a = ((DataBufferFloat) db).getData(bank);
                        for (int x = 0; x < width; x++, src += ps) {
                            f[o + x] = a[src];
                        }
                    }
                    default -> {
                        for (int x = 0; x < width; x++, src += ps) {
                            if (f != null) {
                                f[o + x] = db.getElemFloat(bank, src);
                            } else {
                                ints[o + x] = db.getElem(bank, src);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void put(float[] f, int[] ints, int o, int v) {
        if (f != null) {
            f[o] = v;
        } else {
            ints[o] = v;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public synchronized void close() throws IOException {
        reader.dispose();
        stream.close();
    }

    /** Turns the directory into a RasterInfo, refusing what the reader cannot decode. */
    static RasterInfo parse(TiffDirectory d) {
        int width = (int) d.requireInt(TiffTags.IMAGE_WIDTH, "ImageWidth");
        int height = (int) d.requireInt(TiffTags.IMAGE_LENGTH, "ImageLength");
        int bands = (int) d.intOr(TiffTags.SAMPLES_PER_PIXEL, 1);
        if (bands < 1 || bands > 8) {
            throw new IllegalArgumentException("unsupported band count " + bands
                    + "; supported: 1 to 8");
        }
        long[] bits = d.ints(TiffTags.BITS_PER_SAMPLE);
        long[] formats = d.ints(TiffTags.SAMPLE_FORMAT);
        int bits0 = bits.length == 0 ? 1 : (int) bits[0];
        int format0 = formats.length == 0 ? 1 : (int) formats[0];
        for (long b : bits) {
            if (b != bits0) {
                throw new IllegalArgumentException("bands of different bit depths ("
                        + java.util.Arrays.toString(bits) + ") are not supported");
            }
        }
        for (long f : formats) {
            if (f != format0) {
                throw new IllegalArgumentException("bands of different sample formats are not "
                        + "supported");
            }
        }
        SampleType type = SampleType.fromTiff(bits0, format0);
        Compression compression = Compression.fromTiff((int) d.intOr(TiffTags.COMPRESSION, 1));
        int predictor = (int) d.intOr(TiffTags.PREDICTOR, 1);
        if (predictor != 1 && !(predictor == 2 && type == SampleType.UINT8)) {
            throw new IllegalArgumentException("unsupported Predictor " + predictor + " with "
                    + type.gdalName() + " samples; supported: no predictor, or horizontal "
                    + "differencing on 8-bit data (gdal_translate -co PREDICTOR=1 converts)");
        }
        int photometric = (int) d.intOr(TiffTags.PHOTOMETRIC, 1);
        if (photometric > 3) {
            throw new IllegalArgumentException("unsupported PhotometricInterpretation "
                    + photometric + "; supported: grey (0, 1), RGB (2), palette (3)");
        }
        boolean planar = d.intOr(TiffTags.PLANAR_CONFIGURATION, 1) == 2;
        boolean tiled = d.has(TiffTags.TILE_WIDTH);
        int bw = tiled ? (int) d.requireInt(TiffTags.TILE_WIDTH, "TileWidth") : width;
        int bh = tiled ? (int) d.requireInt(TiffTags.TILE_LENGTH, "TileLength")
                : (int) Math.min(height, d.intOr(TiffTags.ROWS_PER_STRIP, height));
        if (bw < 1 || bh < 1) {
            throw new IllegalArgumentException("corrupt TIFF: block size " + bw + "x" + bh);
        }
        checkBlocks(d, tiled, width, height, bw, bh, planar ? bands : 1);
        OptionalDouble nodata = OptionalDouble.empty();
        String nd = d.ascii(TiffTags.GDAL_NODATA);
        if (nd != null && !nd.isBlank()) {
            nodata = OptionalDouble.of(parseNodata(nd.strip()));
        }
        ColorMap colorMap = photometric == 3 && d.has(TiffTags.COLOR_MAP)
                ? ColorMap.fromTiff(d.ints(TiffTags.COLOR_MAP)) : null;
        return new RasterInfo(width, height, bands, type, compression, predictor, tiled, bw, bh,
                planar, photometric, nodata, geo(d), colorMap);
    }

    private static double parseNodata(String s) {
        String l = s.toLowerCase(java.util.Locale.ROOT);
        if (l.equals("nan") || l.equals("-nan")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(l.replace("inf", "Infinity"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GDAL_NODATA (tag 42113) is not a number: '" + s
                    + "'", e);
        }
    }

    private static void checkBlocks(TiffDirectory d, boolean tiled, int width, int height, int bw,
            int bh, int planes) {
        int offTag = tiled ? TiffTags.TILE_OFFSETS : TiffTags.STRIP_OFFSETS;
        int cntTag = tiled ? TiffTags.TILE_BYTE_COUNTS : TiffTags.STRIP_BYTE_COUNTS;
        String what = tiled ? "tile" : "strip";
        long[] offsets = d.ints(offTag);
        long[] counts = d.ints(cntTag);
        long expected = (long) ((width + bw - 1) / bw) * ((height + bh - 1) / bh) * planes;
        if (offsets.length != expected || counts.length != expected) {
            throw new IllegalArgumentException("corrupt TIFF: " + expected + " " + what
                    + " offsets and byte counts expected for " + width + "x" + height + " in "
                    + bw + "x" + bh + " blocks, found " + offsets.length + " and "
                    + counts.length);
        }
        for (int i = 0; i < offsets.length; i++) {
            if (counts[i] > 0 && offsets[i] + counts[i] > d.fileLength()) {
                throw new IllegalArgumentException("truncated TIFF: " + what + " " + i
                        + " needs bytes up to " + (offsets[i] + counts[i]) + " but the file has "
                        + d.fileLength() + " bytes");
            }
        }
    }

    private static GeoReference geo(TiffDirectory d) {
        long[] keys = d.ints(TiffTags.GEO_KEY_DIRECTORY);
        int[] k = new int[keys.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = (int) keys[i];
        }
        double[] scale = d.reals(TiffTags.MODEL_PIXEL_SCALE);
        double[] tie = d.reals(TiffTags.MODEL_TIEPOINT);
        double[] mat = d.reals(TiffTags.MODEL_TRANSFORMATION);
        if (scale.length == 0 && tie.length == 0 && mat.length == 0 && k.length == 0) {
            return GeoReference.none();
        }
        return new GeoReference(scale, tie, mat, k, d.reals(TiffTags.GEO_DOUBLE_PARAMS),
                d.ascii(TiffTags.GEO_ASCII_PARAMS));
    }
}
