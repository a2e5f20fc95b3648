package io.fadconv.data.raster;

import io.fadconv.util.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Writes a tiled GeoTIFF window by window with bounded memory, so a predictor can write an
 * 8192 x 8192 class map while holding only the tile rows its current windows touch.
 *
 * <p>Windows arrive top to bottom: a window whose first row lies in tile row {@code r} finishes
 * (compresses and writes) every tile row above {@code r}; writing into a finished tile row is an
 * error. Pixels never written hold the nodata value (0 without one). The bytes go to a temporary
 * file that {@link #commit()} renames into place; closing without commit leaves nothing behind.
 *
 * <p>Little-endian, pixel-interleaved, tiles of {@link RasterSpec#tileSize()}, Deflate (with
 * predictor 2 as an option) or no compression, every georeferencing tag of {@link GeoReference},
 * GDAL's nodata tag and a colour map for class rasters. A BigTIFF is written when the raster's
 * uncompressed size would pass the classic TIFF's 4 GiB (GDAL's BIGTIFF=IF_NEEDED rule), a
 * classic TIFF otherwise.
 */
public final class GeoTiffWriter implements AutoCloseable {

    private final RasterSpec spec;
    private final AtomicFiles.Pending pending;
    private final FileChannel ch;
    private final int tile;
    private final int tilesAcross;
    private final int tilesDown;
    private final int bps;
    private final long[] offsets;
    private final long[] byteCounts;
    private final byte[] fillPixel;
    private final Map<Integer, byte[]> openRows = new TreeMap<>();
    private final Deflater deflater;
    private final boolean bigTiff;
    private byte[] tileBuf;
    private byte[] outBuf = new byte[1 << 16];
    private int nextRow;
    private int lastWindowY;
    private long pos;
    private boolean committed;

    /** The largest offset a classic TIFF can hold. */
    static final long CLASSIC_LIMIT = 0xFFFFFFFFL;

    private GeoTiffWriter(RasterSpec spec, AtomicFiles.Pending pending, boolean bigTiff) {
        this.bigTiff = bigTiff;
        this.pos = bigTiff ? 16 : 8;
        this.spec = spec;
        this.pending = pending;
        this.ch = pending.channel();
        this.tile = spec.tileSize();
        this.tilesAcross = (spec.width() + tile - 1) / tile;
        this.tilesDown = (spec.height() + tile - 1) / tile;
        this.bps = spec.sampleType().bytes();
        this.offsets = new long[tilesAcross * tilesDown];
        this.byteCounts = new long[offsets.length];
        this.fillPixel = new byte[spec.bands() * bps];
        double fill = spec.nodata().orElse(0);
        for (int b = 0; b < spec.bands(); b++) {
            encode(fill, fillPixel, b * bps);
        }
        this.deflater = spec.compression() == Compression.DEFLATE
                ? new Deflater(spec.deflateLevel()) : null;
        this.tileBuf = new byte[tile * tile * spec.bands() * bps];
    }

    /**
     * Starts a file.
     *
     * @param target the final path (appears on {@link #commit()})
     * @param spec what to write
     * @return the writer; close it
     * @throws IOException when the temporary file cannot be created
     */
    public static GeoTiffWriter create(Path target, RasterSpec spec) throws IOException {
        return create(target, spec, CLASSIC_LIMIT);
    }

    /**
     * Starts a file, as a BigTIFF when its uncompressed size would pass {@code classicLimit}.
     *
     * @param target the final path
     * @param spec what to write
     * @param classicLimit bytes a classic TIFF may reach ({@link #CLASSIC_LIMIT}; smaller in tests)
     * @return the writer; close it
     * @throws IOException when the temporary file cannot be created
     */
    static GeoTiffWriter create(Path target, RasterSpec spec, long classicLimit)
            throws IOException {
        boolean big = needsBigTiff(spec, classicLimit);
        AtomicFiles.Pending p = AtomicFiles.create(target);
        try {
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            header.put((byte) 'I').put((byte) 'I');
            if (big) {
                header.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(0);
            } else {
                header.putShort((short) 42).putInt(0);
            }
            header.flip();
            p.channel().write(header, 0);
            return new GeoTiffWriter(spec, p, big);
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * Whether a raster needs a BigTIFF: its tiles uncompressed, their offsets and a directory
     * would pass the limit (compression can expand incompressible tiles a little, so the
     * uncompressed size is the safe measure, as GDAL's BIGTIFF=IF_NEEDED takes it).
     *
     * @param spec the raster
     * @param classicLimit the limit in bytes
     * @return true for BigTIFF
     */
    static boolean needsBigTiff(RasterSpec spec, long classicLimit) {
        long tiles = (long) ((spec.width() + spec.tileSize() - 1) / spec.tileSize())
                * ((spec.height() + spec.tileSize() - 1) / spec.tileSize());
        long tileBytes = (long) spec.tileSize() * spec.tileSize() * spec.bands()
                * spec.sampleType().bytes();
        long estimate = tiles * (tileBytes + tileBytes / 1000 + 64) + 16 * tiles + 65536;
        return estimate > classicLimit;
    }

    /**
     * Whether this file is being written as a BigTIFF.
     *
     * @return true for BigTIFF
     */
    public boolean bigTiff() {
        return bigTiff;
    }

    /**
     * Writes a whole raster held in memory (small rasters, tests, tiles).
     *
     * @param target the file
     * @param spec what to write
     * @param data {@code bands x height x width} values, band-sequential
     * @throws IOException on failure (the target is then untouched)
     */
    public static void write(Path target, RasterSpec spec, float[] data) throws IOException {
        try (GeoTiffWriter w = create(target, spec)) {
            w.writeWindow(Window.full(spec.width(), spec.height()), data);
            w.commit();
        }
    }

    /**
     * Writes a whole single- or multi-band raster of byte values held in memory.
     *
     * @param target the file
     * @param spec what to write
     * @param data {@code bands x height x width} values 0..255, band-sequential
     * @throws IOException on failure (the target is then untouched)
     */
    public static void write(Path target, RasterSpec spec, byte[] data) throws IOException {
        try (GeoTiffWriter w = create(target, spec)) {
            w.writeWindow(Window.full(spec.width(), spec.height()), data);
            w.commit();
        }
    }

    /**
     * The spec being written.
     *
     * @return the spec
     */
    public RasterSpec spec() {
        return spec;
    }

    /**
     * Tile rows held in memory now (what bounds the writer's memory).
     *
     * @return the number of open tile rows
     */
    public int openTileRows() {
        return openRows.size();
    }

    /**
     * Writes a window of values; they are rounded and clamped to integer sample types (NaN
     * becomes the fill value).
     *
     * @param w the window, inside the raster, not above an earlier window's first tile row
     * @param data {@code bands x w.height x w.width} values, band-sequential
     * @throws IOException on write failure
     */
    public void writeWindow(Window w, float[] data) throws IOException {
        prepare(w, data.length);
        int n = w.width() * w.height();
        for (int y = 0; y < w.height(); y++) {
            int row = w.y() + y;
            byte[] buf = rowBuffer(row / tile);
            int rowBase = (row % tile) * tilesAcross * tile;
            for (int x = 0; x < w.width(); x++) {
                int px = (rowBase + w.x() + x) * fillPixel.length;
                for (int b = 0; b < spec.bands(); b++) {
                    encode(data[b * n + y * w.width() + x], buf, px + b * bps);
                }
            }
        }
    }

    /**
     * Writes a window of unsigned byte values (class maps).
     *
     * @param w the window, inside the raster, not above an earlier window's first tile row
     * @param data {@code bands x w.height x w.width} values 0..255, band-sequential
     * @throws IOException on write failure
     */
    public void writeWindow(Window w, byte[] data) throws IOException {
        prepare(w, data.length);
        int n = w.width() * w.height();
        boolean raw = spec.sampleType() == SampleType.UINT8;
        for (int y = 0; y < w.height(); y++) {
            int row = w.y() + y;
            byte[] buf = rowBuffer(row / tile);
            int rowBase = (row % tile) * tilesAcross * tile;
            for (int x = 0; x < w.width(); x++) {
                int px = (rowBase + w.x() + x) * fillPixel.length;
                for (int b = 0; b < spec.bands(); b++) {
                    byte v = data[b * n + y * w.width() + x];
                    if (raw) {
                        buf[px + b] = v;
                    } else {
                        encode(v & 0xFF, buf, px + b * bps);
                    }
                }
            }
        }
    }

    private void prepare(Window w, int length) throws IOException {
        if (committed) {
            throw new IllegalStateException("writer already committed");
        }
        if (!w.fitsIn(spec.width(), spec.height())) {
            throw new IllegalArgumentException("window " + w + " reaches outside the "
                    + spec.width() + "x" + spec.height() + " raster of " + pending.target());
        }
        long expected = w.pixels() * spec.bands();
        if (length != expected) {
            throw new IllegalArgumentException("window " + w + " of " + spec.bands()
                    + " band(s) needs " + expected + " values, got " + length);
        }
        int firstRow = w.y() / tile;
        if (firstRow < nextRow) {
            throw new IllegalStateException("window " + w + " starts in tile row " + firstRow
                    + ", which is already written (a window at y=" + lastWindowY
                    + " came before); write windows top to bottom");
        }
        lastWindowY = w.y();
        finishRowsBefore(firstRow);
    }

    private byte[] rowBuffer(int r) {
        return openRows.computeIfAbsent(r, k -> {
            byte[] b = new byte[tile * tilesAcross * tile * fillPixel.length];
            if (!allZero(fillPixel)) {
                for (int i = 0; i < b.length; i += fillPixel.length) {
                    System.arraycopy(fillPixel, 0, b, i, fillPixel.length);
                }
            }
            return b;
        });
    }

    private static boolean allZero(byte[] a) {
        for (byte v : a) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** Compresses and writes tile rows {@code nextRow .. r-1}. */
    private void finishRowsBefore(int r) throws IOException {
        while (nextRow < r && nextRow < tilesDown) {
            byte[] buf = rowBuffer(nextRow);
            int pixel = fillPixel.length;
            int rowStride = tilesAcross * tile * pixel;
            for (int c = 0; c < tilesAcross; c++) {
                for (int y = 0; y < tile; y++) {
                    System.arraycopy(buf, y * rowStride + c * tile * pixel, tileBuf, y * tile * pixel,
                            tile * pixel);
                }
                int index = nextRow * tilesAcross + c;
                offsets[index] = pos;
                byteCounts[index] = writeBlock(tileBuf);
            }
            openRows.remove(nextRow);
            nextRow++;
        }
    }

    private int writeBlock(byte[] block) throws IOException {
        int len;
        if (deflater == null) {
            len = block.length;
            put(ByteBuffer.wrap(block));
        } else {
            if (spec.predictor() == 2) {
                Predictors.differenceLittleEndian(block, tile, tile, spec.bands(), bps);
            }
            deflater.reset();
            deflater.setInput(block);
            deflater.finish();
            len = 0;
            while (!deflater.finished()) {
                if (len == outBuf.length) {
                    outBuf = Arrays.copyOf(outBuf, outBuf.length * 2);
                }
                len += deflater.deflate(outBuf, len, outBuf.length - len);
            }
            put(ByteBuffer.wrap(outBuf, 0, len));
        }
        return len;
    }

    private void put(ByteBuffer b) throws IOException {
        if (!bigTiff && pos + b.remaining() > CLASSIC_LIMIT) {
            throw new IOException(pending.target() + ": the output would exceed 4 GiB, the limit "
                    + "of classic TIFF; write smaller scenes or fewer bands");
        }
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private void encode(double v, byte[] buf, int at) {
        switch (spec.sampleType()) {
            case UINT8 -> buf[at] = (byte) clampRound(v, 0, 255);
            case UINT16 -> putShort(buf, at, clampRound(v, 0, 65535));
            case INT16 -> putShort(buf, at, clampRound(v, -32768, 32767));
            case FLOAT32 -> {
                int bits = Float.floatToRawIntBits((float) v);
                putShort(buf, at, bits);
                putShort(buf, at + 2, bits >>> 16);
            }
            default -> throw new IllegalStateException();
        }
    }

    private int clampRound(double v, int lo, int hi) {
        if (Double.isNaN(v)) {
            double fill = spec.nodata().orElse(0);
            return Double.isNaN(fill) ? 0 : (int) Math.max(lo, Math.min(hi, Math.round(fill)));
        }
        return (int) Math.max(lo, Math.min(hi, Math.round(v)));
    }

    private static void putShort(byte[] buf, int at, int v) {
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >>> 8);
    }

    /**
     * Finishes the file: writes the remaining tile rows and the directory, then renames the file
     * into place.
     *
     * @throws IOException on failure (the target is then untouched)
     */
    public void commit() throws IOException {
        if (committed) {
            return;
        }
        finishRowsBefore(tilesDown);
        if (pos % 2 != 0) {
            put(ByteBuffer.wrap(new byte[1]));
        }
        long ifd = pos;
        put(directory(ifd));
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (bigTiff) {
            header.putLong(ifd).flip();
            ch.write(header, 8);
        } else {
            header.putInt((int) ifd).flip();
            ch.write(header, 4);
        }
        pending.commit();
        committed = true;
        if (deflater != null) {
            deflater.end();
        }
    }

    /** Abandons the file unless committed. */
    @Override
    public void close() throws IOException {
        if (!committed && deflater != null) {
            deflater.end();
        }
        openRows.clear();
        pending.close();
    }

    /** One directory entry before layout. */
    private record Entry(int tag, int type, int count, byte[] data) {}

    private ByteBuffer directory(long ifdOffset) {
        List<Entry> e = new ArrayList<>();
        int bands = spec.bands();
        e.add(longs(TiffTags.IMAGE_WIDTH, spec.width()));
        e.add(longs(TiffTags.IMAGE_LENGTH, spec.height()));
        e.add(shorts(TiffTags.BITS_PER_SAMPLE, repeat(spec.sampleType().bits(), bands)));
        e.add(shorts(TiffTags.COMPRESSION, spec.compression().code()));
        int photometric = spec.colorMap() != null ? TiffTags.PHOTOMETRIC_PALETTE
                : spec.rgb() ? TiffTags.PHOTOMETRIC_RGB : TiffTags.PHOTOMETRIC_MIN_IS_BLACK;
        e.add(shorts(TiffTags.PHOTOMETRIC, photometric));
        e.add(shorts(TiffTags.SAMPLES_PER_PIXEL, bands));
        e.add(shorts(TiffTags.PLANAR_CONFIGURATION, 1));
        if (spec.colorMap() != null) {
            e.add(shorts(TiffTags.COLOR_MAP, spec.colorMap().toTiff()));
        }
        e.add(longs(TiffTags.TILE_WIDTH, tile));
        e.add(longs(TiffTags.TILE_LENGTH, tile));
        e.add(bigTiff ? long8s(TiffTags.TILE_OFFSETS, offsets) : longs(TiffTags.TILE_OFFSETS, offsets));
        e.add(bigTiff ? long8s(TiffTags.TILE_BYTE_COUNTS, byteCounts)
                : longs(TiffTags.TILE_BYTE_COUNTS, byteCounts));
        if (spec.predictor() != 1) {
            e.add(shorts(TiffTags.PREDICTOR, spec.predictor()));
        }
        int extra = bands - (spec.rgb() ? 3 : 1);
        if (extra > 0) {
            e.add(shorts(TiffTags.EXTRA_SAMPLES, new int[extra]));
        }
        e.add(shorts(TiffTags.SAMPLE_FORMAT, repeat(spec.sampleType().sampleFormat(), bands)));
        GeoReference g = spec.geo();
        addDoubles(e, TiffTags.MODEL_PIXEL_SCALE, g.pixelScale());
        addDoubles(e, TiffTags.MODEL_TIEPOINT, g.tiepoints());
        addDoubles(e, TiffTags.MODEL_TRANSFORMATION, g.transformation());
        if (g.geoKeys().length > 0) {
            e.add(shorts(TiffTags.GEO_KEY_DIRECTORY, g.geoKeys()));
        }
        addDoubles(e, TiffTags.GEO_DOUBLE_PARAMS, g.geoDoubles());
        if (g.geoAscii() != null) {
            e.add(ascii(TiffTags.GEO_ASCII_PARAMS, g.geoAscii()));
        }
        if (spec.nodata().isPresent()) {
            e.add(ascii(TiffTags.GDAL_NODATA,
                    RasterInfo.formatNodata(spec.nodata().getAsDouble())));
        }
        return layout(e, ifdOffset, bigTiff);
    }

    /** The directory and the values that do not fit in their entries, classic or BigTIFF. */
    private static ByteBuffer layout(List<Entry> entries, long ifdOffset, boolean big) {
        entries.sort((a, b) -> Integer.compare(a.tag(), b.tag()));
        int n = entries.size();
        int countBytes = big ? 8 : 2;
        int entryBytes = big ? 20 : 12;
        int inline = big ? 8 : 4;
        long dataStart = ifdOffset + countBytes + (long) entryBytes * n + inline;
        int extraBytes = 0;
        for (Entry en : entries) {
            if (en.data().length > inline) {
                extraBytes += (en.data().length + 1) & ~1;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(countBytes + entryBytes * n + inline + extraBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        if (big) {
            b.putLong(n);
        } else {
            b.putShort((short) n);
        }
        long next = dataStart;
        List<byte[]> overflow = new ArrayList<>();
        for (Entry en : entries) {
            b.putShort((short) en.tag()).putShort((short) en.type());
            if (big) {
                b.putLong(en.count());
            } else {
                b.putInt(en.count());
            }
            if (en.data().length <= inline) {
                b.put(Arrays.copyOf(en.data(), inline));
            } else {
                if (big) {
                    b.putLong(next);
                } else {
                    b.putInt((int) next);
                }
                overflow.add(en.data());
                next += (en.data().length + 1) & ~1;
            }
        }
        if (big) {
            b.putLong(0);
        } else {
            b.putInt(0);
        }
        for (byte[] d : overflow) {
            b.put(d);
            if (d.length % 2 != 0) {
                b.put((byte) 0);
            }
        }
        return b.flip();
    }

    private static int[] repeat(int v, int n) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static Entry shorts(int tag, int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putShort((short) x);
        }
        return new Entry(tag, TiffTags.TYPE_SHORT, v.length, b.array());
    }

    private static Entry longs(int tag, long... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putInt((int) x);
        }
        return new Entry(tag, TiffTags.TYPE_LONG, v.length, b.array());
    }

    private static Entry long8s(int tag, long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return new Entry(tag, TiffTags.TYPE_LONG8, v.length, b.array());
    }

    private static void addDoubles(List<Entry> e, int tag, double[] v) {
        if (v.length == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        e.add(new Entry(tag, TiffTags.TYPE_DOUBLE, v.length, b.array()));
    }

    private static Entry ascii(int tag, String s) {
        byte[] t = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
        return new Entry(tag, TiffTags.TYPE_ASCII, t.length, t);
    }
}
