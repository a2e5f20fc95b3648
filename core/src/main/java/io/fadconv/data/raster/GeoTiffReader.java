package io.fadconv.data.raster;

import io.fadconv.util.FilePaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Reads windows of a GeoTIFF or BigTIFF without decoding the rest: only the tiles or strips a
 * window touches are read and decompressed, so a 512 x 512 window of a 7200 x 6800 scene costs a
 * few tiles, not the scene. Our own directory parser ({@link TiffDirectory}) and block decoder
 * ({@link TiffBlocks}): none, LZW, Deflate, PackBits, ZSTD and JPEG; predictors 2 and 3; pixel-
 * or band-interleaved; tiles or strips (see docs/geotiff-choice.md).
 *
 * <p>Pixels come back band-sequential ({@code [band][row][column]} flattened, the layout of a
 * {@code [C, H, W]} tensor). Only the first image of the file is read: the full resolution of a
 * cloud-optimised GeoTIFF; its overviews and masks, which follow, are ignored. Not thread-safe:
 * one reader per thread.
 *
 * <p>Errors about the file's content are {@link IllegalArgumentException}s whose message starts
 * with the file name and says what is wrong. What GDAL accepts with a warning is accepted here
 * too, and the warning kept in {@link #warnings()}.
 */
public final class GeoTiffReader implements RasterReader {

    /** Told of every header read; tests count them ({@code HeaderReads}), nothing else sets it. */
    static volatile Consumer<Path> headerRead = file -> { };

    private final Path file;
    private final RasterInfo info;
    private final Header header;
    private final FileChannel channel;
    private final TiffBlocks blocks;
    private final List<String> warnings;

    private GeoTiffReader(Header header, FileChannel channel) {
        this.file = header.file;
        this.info = header.parsed.info();
        this.header = header;
        this.channel = channel;
        this.blocks = new TiffBlocks(header.parsed.layout(), channel);
        this.warnings = List.copyOf(header.parsed.warnings());
    }

    /** What the directory says: the info, where the blocks are, and GDAL-style warnings. */
    record Parsed(RasterInfo info, TiffBlocks.Layout layout, List<String> warnings) {}

    /**
     * A file's header as one opening read it, to open the file again without reading it
     * ({@link #open(Header)}): a command that checks many scenes before it maps any keeps their
     * headers instead of reading each twice. It holds the block offsets, 16 bytes per tile or
     * strip, and the file's size and modification time to notice a file changed since.
     */
    public static final class Header {
        private final Path file;
        private final Parsed parsed;
        private final long size;
        private final FileTime modified;

        private Header(Path file, Parsed parsed, long size, FileTime modified) {
            this.file = file;
            this.parsed = parsed;
            this.size = size;
            this.modified = modified;
        }

        /** @return the file */
        public Path file() {
            return file;
        }

        /** @return what the file holds */
        public RasterInfo info() {
            return parsed.info();
        }

        /** Whether the file is still the one this header was read from. */
        private boolean describes(FileChannel ch) throws IOException {
            return ch.size() == size && Files.getLastModifiedTime(file).equals(modified);
        }
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
        FilePaths.requireFile(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            // taken before the header is read: a file written meanwhile looks changed later
            long size = ch.size();
            FileTime modified = Files.getLastModifiedTime(file);
            headerRead.accept(file);
            Parsed parsed = parse(TiffDirectory.read(ch));
            return new GeoTiffReader(new Header(file, parsed, size, modified), ch);
        } catch (IllegalArgumentException e) {
            ch.close();
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens a file again with the header an earlier opening read ({@link #header()}), without
     * reading it. A file changed since (another size or modification time) is read afresh.
     *
     * @param header the header kept
     * @return the reader; close it
     * @throws IOException when the file cannot be read (gone: {@link NoSuchFileException})
     * @throws IllegalArgumentException naming the file, when a changed file is not supported
     */
    public static GeoTiffReader open(Header header) throws IOException {
        FilePaths.requireFile(header.file);
        FileChannel ch = FileChannel.open(header.file, StandardOpenOption.READ);
        try {
            if (header.describes(ch)) {
                return new GeoTiffReader(header, ch);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        ch.close();
        return open(header.file);
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
     * The header this reader was opened with, to open the file again without reading it
     * ({@link #open(Header)}).
     *
     * @return the header
     */
    public Header header() {
        return header;
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
     * What GDAL would have warned about when opening the file (e.g. a GeoKeyDirectory longer than
     * its header says), once each; the CLI prints them on stderr.
     *
     * @return the warnings, each naming the file
     */
    @Override
    public List<String> warnings() {
        return warnings;
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
        TiffBlocks.Layout l = blocks.layout();
        int bw = l.blockWidth();
        int bh = l.blockHeight();
        int n = w.width() * w.height();
        for (int row = w.y() / bh; row <= (w.y() + w.height() - 1) / bh; row++) {
            int y0 = Math.max(w.y(), row * bh);
            int y1 = Math.min(w.y() + w.height(), (row + 1) * bh);
            for (int col = w.x() / bw; col <= (w.x() + w.width() - 1) / bw; col++) {
                int x0 = Math.max(w.x(), col * bw);
                int x1 = Math.min(w.x() + w.width(), (col + 1) * bw);
                for (int k = 0; k < sel.length; k++) {
                    int plane = l.planar() ? sel[k] : 0;
                    int spp = l.samplesPerBlockPixel();
                    int sample = l.planar() ? 0 : sel[k];
                    float[] block = block(l.index(plane, row, col), w);
                    for (int y = y0; y < y1; y++) {
                        int src = ((y - row * bh) * bw + (x0 - col * bw)) * spp + sample;
                        int dst = k * n + (y - w.y()) * w.width() + (x0 - w.x());
                        if (f != null) {
                            for (int x = x0; x < x1; x++, src += spp) {
                                f[dst++] = block[src];
                            }
                        } else {
                            for (int x = x0; x < x1; x++, src += spp) {
                                ints[dst++] = (int) block[src];
                            }
                        }
                    }
                }
            }
        }
    }

    private float[] block(int index, Window w) throws IOException {
        try {
            return blocks.block(index);
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": corrupt or truncated image data in window "
                    + w + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (e instanceof java.nio.channels.ClosedChannelException) {
                throw e;
            }
            throw new IllegalArgumentException(file + ": corrupt or truncated image data in window "
                    + w + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        blocks.close();
        channel.close();
    }

    /** Turns the directory into a RasterInfo and a block layout, refusing what cannot be read. */
    static Parsed parse(TiffDirectory d) {
        List<String> warnings = new ArrayList<>();
        int width = (int) d.requireInt(TiffTags.IMAGE_WIDTH, "ImageWidth");
        int height = (int) d.requireInt(TiffTags.IMAGE_LENGTH, "ImageLength");
        int bands = (int) d.intOr(TiffTags.SAMPLES_PER_PIXEL, 1);
        if (bands < 1 || bands > RasterInfo.MAX_BANDS) {
            throw new IllegalArgumentException("unsupported band count " + bands
                    + "; supported: 1 to " + RasterInfo.MAX_BANDS);
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
        if (compression == Compression.JPEG && type != SampleType.UINT8) {
            throw new IllegalArgumentException("JPEG compression of " + type.gdalName()
                    + " samples is not supported (8-bit only); convert with gdal_translate -co "
                    + "COMPRESS=DEFLATE IN.tif OUT.tif");
        }
        if (compression == Compression.JPEG) {
            predictor = 1; // libtiff ignores a predictor with JPEG
        } else if (predictor == 3 && type != SampleType.FLOAT32
                || predictor != 1 && predictor != 2 && predictor != 3) {
            throw new IllegalArgumentException("unsupported Predictor " + predictor + " with "
                    + type.gdalName() + " samples; supported: 1 (none), 2 (horizontal "
                    + "differencing), 3 (floating point, for Float32); convert with "
                    + "gdal_translate -co PREDICTOR=1 IN.tif OUT.tif");
        }
        int photometric = (int) d.intOr(TiffTags.PHOTOMETRIC, 1);
        boolean ycbcr = photometric == TiffTags.PHOTOMETRIC_YCBCR;
        if (ycbcr && compression != Compression.JPEG) {
            throw new IllegalArgumentException("YCbCr pixels are supported only with JPEG "
                    + "compression; convert with gdal_translate -co PHOTOMETRIC=RGB IN.tif OUT.tif");
        }
        if (photometric > TiffTags.PHOTOMETRIC_YCBCR || photometric == 4) {
            throw new IllegalArgumentException("unsupported PhotometricInterpretation "
                    + photometric + "; supported: grey (0, 1), RGB (2), palette (3), CMYK (5), "
                    + "YCbCr with JPEG (6)");
        }
        boolean planar = d.intOr(TiffTags.PLANAR_CONFIGURATION, 1) == 2 && bands > 1;
        boolean tiled = d.has(TiffTags.TILE_WIDTH);
        int bw = tiled ? (int) d.requireInt(TiffTags.TILE_WIDTH, "TileWidth") : width;
        int bh = tiled ? (int) d.requireInt(TiffTags.TILE_LENGTH, "TileLength")
                : (int) Math.min(height, d.intOr(TiffTags.ROWS_PER_STRIP, height));
        if (bw < 1 || bh < 1) {
            throw new IllegalArgumentException("corrupt TIFF: block size " + bw + "x" + bh);
        }
        if ((long) bw * bh * (planar ? 1 : bands) * type.bytes() > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("blocks of " + bw + "x" + bh + " pixels are too "
                    + "large to decode; retile with gdal_translate -co TILED=YES IN.tif OUT.tif");
        }
        int offTag = tiled ? TiffTags.TILE_OFFSETS : TiffTags.STRIP_OFFSETS;
        int cntTag = tiled ? TiffTags.TILE_BYTE_COUNTS : TiffTags.STRIP_BYTE_COUNTS;
        long[] offsets = d.ints(offTag);
        long[] counts = d.ints(cntTag);
        checkBlocks(offsets, counts, d.fileLength(), tiled, width, height, bw, bh,
                planar ? bands : 1);
        OptionalDouble nodata = OptionalDouble.empty();
        String nd = d.ascii(TiffTags.GDAL_NODATA);
        if (nd != null && !nd.isBlank()) {
            nodata = OptionalDouble.of(parseNodata(nd.strip()));
        }
        ColorMap colorMap = photometric == TiffTags.PHOTOMETRIC_PALETTE
                && d.has(TiffTags.COLOR_MAP) && type == SampleType.UINT8
                ? ColorMap.fromTiff(d.ints(TiffTags.COLOR_MAP)) : null;
        RasterInfo info = new RasterInfo(width, height, bands, type, compression, predictor,
                tiled, bw, bh, planar, photometric, nodata, geo(d, warnings), colorMap,
                d.bigTiff());
        TiffBlocks.Layout layout = new TiffBlocks.Layout(width, height, bands, type, d.order(),
                tiled, bw, bh, planar, compression, predictor, offsets, counts,
                d.bytes(TiffTags.JPEG_TABLES), ycbcr, (float) nodata.orElse(0));
        return new Parsed(info, layout, warnings);
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

    private static void checkBlocks(long[] offsets, long[] counts, long fileLength, boolean tiled,
            int width, int height, int bw, int bh, int planes) {
        String what = tiled ? "tile" : "strip";
        long expected = (long) ((width + bw - 1) / bw) * ((height + bh - 1) / bh) * planes;
        if (offsets.length != expected || counts.length != expected) {
            throw new IllegalArgumentException("corrupt TIFF: " + expected + " " + what
                    + " offsets and byte counts expected for " + width + "x" + height + " in "
                    + bw + "x" + bh + " blocks, found " + offsets.length + " and "
                    + counts.length);
        }
        for (int i = 0; i < offsets.length; i++) {
            if (counts[i] < 0 || counts[i] > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("corrupt TIFF: " + what + " " + i + " claims "
                        + counts[i] + " bytes");
            }
            if (counts[i] > 0 && offsets[i] + counts[i] > fileLength) {
                throw new IllegalArgumentException("truncated TIFF: " + what + " " + i
                        + " needs bytes up to " + (offsets[i] + counts[i]) + " but the file has "
                        + fileLength + " bytes");
            }
        }
    }

    private static GeoReference geo(TiffDirectory d, List<String> warnings) {
        long[] keys = d.ints(TiffTags.GEO_KEY_DIRECTORY);
        int[] k = new int[keys.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = (int) keys[i];
        }
        if (k.length >= 4 && k.length != 4 + 4 * k[3]) {
            // libgeotiff reads the keys the header announces and ignores the rest; so do we
            int announced = k[3];
            int complete = Math.min(announced, (k.length - 4) / 4);
            warnings.add("the GeoKeyDirectory (tag 34735) has " + k.length + " values but its "
                    + "header announces " + announced + " keys (" + (4 + 4 * announced)
                    + " values); " + complete + " keys read, as GDAL does");
            k = java.util.Arrays.copyOf(k, 4 + 4 * complete);
            k[3] = complete;
        } else if (k.length > 0 && k.length < 4) {
            warnings.add("the GeoKeyDirectory (tag 34735) has only " + k.length
                    + " values; ignored, as GDAL does");
            k = new int[0];
        }
        double[] scale = d.reals(TiffTags.MODEL_PIXEL_SCALE);
        double[] tie = d.reals(TiffTags.MODEL_TIEPOINT);
        double[] mat = d.reals(TiffTags.MODEL_TRANSFORMATION);
        if (scale.length == 0 && tie.length == 0 && mat.length == 0 && k.length == 0) {
            return GeoReference.none();
        }
        if (mat.length == 16) {
            if (scale.length > 0 || tie.length > 0) {
                warnings.add("both ModelTransformation and ModelPixelScale/ModelTiepoint are "
                        + "present; the transformation is used, as GDAL does");
            }
            scale = new double[0];
            tie = new double[0];
        } else if (tie.length == 6) {
            if (scale.length < 2 || scale[0] == 0 || scale[1] == 0) {
                throw new IllegalArgumentException("georeferencing has a tie point but "
                        + (scale.length < 2 ? "no ModelPixelScale (tag 33550)"
                        : "a zero ModelPixelScale (" + scale[0] + ", " + scale[1] + ")")
                        + ", so the pixel size is unknown; set it with gdal_edit.py -tr XRES "
                        + "YRES, or remove the georeferencing with gdal_edit.py -unsetgt");
            }
            if (scale.length != 3) {
                scale = new double[] {scale[0], scale[1], scale.length > 2 ? scale[2] : 0};
            }
        }
        if (scale.length > 0 && scale.length != 3) {
            scale = new double[0];
        }
        if (mat.length != 0 && mat.length != 16) {
            warnings.add("ModelTransformation (tag 34264) has " + mat.length
                    + " values instead of 16; ignored, as GDAL does");
            mat = new double[0];
        }
        if (tie.length % 6 != 0) {
            warnings.add("ModelTiepoint (tag 33922) has " + tie.length + " values, not a multiple "
                    + "of 6; the incomplete tie point is ignored");
            tie = java.util.Arrays.copyOf(tie, tie.length - tie.length % 6);
        }
        return new GeoReference(scale, tie, mat, k, d.reals(TiffTags.GEO_DOUBLE_PARAMS),
                d.ascii(TiffTags.GEO_ASCII_PARAMS));
    }
}
