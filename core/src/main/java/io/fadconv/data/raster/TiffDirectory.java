package io.fadconv.data.raster;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The first image file directory (IFD) of a classic TIFF or a BigTIFF, every field of it kept: numbers as
 * {@code long[]}/{@code double[]}, ASCII as a string. Our own parser (a few dozen lines) rather
 * than the JDK plugin's metadata tree, so that GDAL's private nodata tag, BigTIFF, truncation and
 * corruption are handled precisely; {@link TiffBlocks} decodes the pixels.
 */
final class TiffDirectory {

    /** Upper bound on one field's bytes; a corrupt count must not allocate gigabytes. */
    private static final long MAX_FIELD_BYTES = 64L << 20;

    /** One field: its type and values. */
    record Field(int tag, int type, long count, long[] ints, double[] reals, String ascii) {}

    private final Map<Integer, Field> fields;
    private final ByteOrder order;
    private final long fileLength;

    private final boolean bigTiff;

    private TiffDirectory(Map<Integer, Field> fields, ByteOrder order, long fileLength,
            boolean bigTiff) {
        this.fields = fields;
        this.order = order;
        this.fileLength = fileLength;
        this.bigTiff = bigTiff;
    }

    static TiffDirectory read(FileChannel ch) throws IOException {
        long length = ch.size();
        ByteBuffer head = readAt(ch, 0, 8, length, "the header");
        byte b0 = head.get(0);
        byte b1 = head.get(1);
        ByteOrder order;
        if (b0 == 'I' && b1 == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (b0 == 'M' && b1 == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new IllegalArgumentException("not a TIFF file (it does not start with II or MM)");
        }
        head.order(order);
        int magic = head.getShort(2) & 0xFFFF;
        boolean big = magic == 43;
        if (!big && magic != 42) {
            throw new IllegalArgumentException("not a TIFF file (magic number " + magic
                    + ", expected 42, or 43 for BigTIFF)");
        }
        long ifd;
        if (big) {
            ByteBuffer bh = readAt(ch, 0, 16, length, "the BigTIFF header").order(order);
            if (bh.getShort(4) != 8) {
                throw new IllegalArgumentException("corrupt BigTIFF: offset size " + bh.getShort(4)
                        + ", expected 8");
            }
            ifd = bh.getLong(8);
        } else {
            ifd = head.getInt(4) & 0xFFFFFFFFL;
        }
        int countBytes = big ? 8 : 2;
        int entrySize = big ? 20 : 12;
        ByteBuffer countBuf = readAt(ch, ifd, countBytes, length, "the image directory")
                .order(order);
        long n = big ? countBuf.getLong(0) : countBuf.getShort(0) & 0xFFFF;
        if (n == 0) {
            throw new IllegalArgumentException("corrupt TIFF: the image directory is empty");
        }
        if (n > 4096) {
            throw new IllegalArgumentException("corrupt TIFF: the image directory claims " + n
                    + " entries");
        }
        ByteBuffer entries = readAt(ch, ifd + countBytes, entrySize * n, length,
                "the image directory").order(order);
        Map<Integer, Field> fields = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            int base = entrySize * i;
            int tag = entries.getShort(base) & 0xFFFF;
            int type = entries.getShort(base + 2) & 0xFFFF;
            long count = big ? entries.getLong(base + 4) : entries.getInt(base + 4) & 0xFFFFFFFFL;
            int size = TiffTags.sizeOf(type);
            if (size == 0 || !big && type >= 16) {
                continue; // unknown type, or a BigTIFF-only type in a classic TIFF: skip, as libtiff does
            }
            if (count < 0 || count * size > MAX_FIELD_BYTES) {
                throw new IllegalArgumentException("corrupt TIFF: tag " + tag + " claims "
                        + count + " values");
            }
            long bytes = count * size;
            int inline = big ? 8 : 4;
            int valueAt = base + (big ? 12 : 8);
            ByteBuffer data;
            if (bytes <= inline) {
                data = entries.duplicate().order(order).position(valueAt).slice().order(order);
            } else {
                long offset = big ? entries.getLong(valueAt) : entries.getInt(valueAt) & 0xFFFFFFFFL;
                data = readAt(ch, offset, bytes, length, "tag " + tag).order(order);
            }
            fields.put(tag, decode(tag, type, count, data));
        }
        return new TiffDirectory(fields, order, length, big);
    }

    private static Field decode(int tag, int type, long count, ByteBuffer d) {
        int c = (int) count;
        if (type == TiffTags.TYPE_ASCII) {
            byte[] b = new byte[c];
            d.get(0, b);
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new Field(tag, type, count, null, null,
                    new String(b, 0, end, StandardCharsets.ISO_8859_1));
        }
        long[] ints = new long[c];
        double[] reals = new double[c];
        for (int i = 0; i < c; i++) {
            long exact;
            double v;
            switch (type) {
                case 1, 7 -> v = exact = d.get(i) & 0xFF;
                case 6 -> v = exact = d.get(i);
                case 3 -> v = exact = d.getShort(2 * i) & 0xFFFF;
                case 8 -> v = exact = d.getShort(2 * i);
                case 4, 13 -> v = exact = d.getInt(4 * i) & 0xFFFFFFFFL;
                case 9 -> v = exact = d.getInt(4 * i);
                case 16, 17, 18 -> v = exact = d.getLong(8 * i);
                case 11 -> exact = (long) (v = d.getFloat(4 * i));
                case 12 -> exact = (long) (v = d.getDouble(8 * i));
                case 5 -> exact = (long) (v = (d.getInt(8 * i) & 0xFFFFFFFFL)
                        / (double) (d.getInt(8 * i + 4) & 0xFFFFFFFFL));
                case 10 -> exact = (long) (v = d.getInt(8 * i) / (double) d.getInt(8 * i + 4));
                default -> throw new IllegalStateException("type " + type);
            }
            reals[i] = v;
            ints[i] = exact;
        }
        return new Field(tag, type, count, ints, reals, null);
    }

    static ByteBuffer readAt(FileChannel ch, long offset, long bytes, long length,
            String what) throws IOException {
        if (offset < 0 || bytes < 0 || offset + bytes > length) {
            throw new IllegalArgumentException("truncated or corrupt TIFF: " + what + " lies at bytes "
                    + offset + ".." + (offset + bytes) + " but the file has " + length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new EOFException("unexpected end of file reading " + what);
            }
        }
        return buf.flip();
    }

    boolean has(int tag) {
        return fields.containsKey(tag);
    }

    Field field(int tag) {
        return fields.get(tag);
    }

    Map<Integer, Field> fields() {
        return fields;
    }

    ByteOrder order() {
        return order;
    }

    long fileLength() {
        return fileLength;
    }

    /** Whether the file is a BigTIFF (magic 43, 64-bit offsets). */
    boolean bigTiff() {
        return bigTiff;
    }

    /** The bytes of a BYTE/UNDEFINED tag (e.g. JPEGTables), or null when absent. */
    byte[] bytes(int tag) {
        Field f = fields.get(tag);
        if (f == null || f.ints() == null) {
            return null;
        }
        byte[] b = new byte[f.ints().length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) f.ints()[i];
        }
        return b;
    }

    /** The first value of a required integer tag. */
    long requireInt(int tag, String name) {
        Field f = fields.get(tag);
        if (f == null || f.ints() == null || f.ints().length == 0) {
            throw new IllegalArgumentException("corrupt TIFF: required tag " + name + " (" + tag
                    + ") is missing");
        }
        return f.ints()[0];
    }

    /** The first value of an integer tag, or a default when absent. */
    long intOr(int tag, long dflt) {
        Field f = fields.get(tag);
        return f == null || f.ints() == null || f.ints().length == 0 ? dflt : f.ints()[0];
    }

    /** The integer values of a tag, or an empty array when absent. */
    long[] ints(int tag) {
        Field f = fields.get(tag);
        return f == null || f.ints() == null ? new long[0] : f.ints();
    }

    /** The real values of a tag, or an empty array when absent. */
    double[] reals(int tag) {
        Field f = fields.get(tag);
        return f == null || f.reals() == null ? new double[0] : f.reals();
    }

    /** The ASCII value of a tag, or null when absent. */
    String ascii(int tag) {
        Field f = fields.get(tag);
        return f == null ? null : f.ascii();
    }
}
