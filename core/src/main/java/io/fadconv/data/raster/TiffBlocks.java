package io.fadconv.data.raster;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The strips or tiles of a TIFF's first image, read and decoded one at a time: decompression
 * (none, LZW, Deflate, PackBits, ZSTD via zstd-jni, JPEG), the predictor undone, samples turned into floats.
 * Recently decoded blocks are kept up to a fixed budget, since neighbouring windows share blocks.
 * A block of byte count 0 (GDAL's sparse files) reads as the nodata value, or 0.
 */
final class TiffBlocks implements AutoCloseable {

    /** Decoded blocks kept for neighbouring windows, in floats (16 MB). */
    private static final long CACHE_FLOATS = 4L << 20;

    /** Where the blocks are and how they are stored. */
    record Layout(int width, int height, int bands, SampleType type, ByteOrder order,
            boolean tiled, int blockWidth, int blockHeight, boolean planar,
            Compression compression, int predictor, long[] offsets, long[] counts,
            byte[] jpegTables, boolean ycbcr, float fill) {

        int across() {
            return (width + blockWidth - 1) / blockWidth;
        }

        int down() {
            return (height + blockHeight - 1) / blockHeight;
        }

        /** Samples per pixel inside one block. */
        int samplesPerBlockPixel() {
            return planar ? 1 : bands;
        }

        /** Rows actually stored in block row {@code r} (strips may end short). */
        int rowsIn(int r) {
            return tiled ? blockHeight : Math.min(blockHeight, height - r * blockHeight);
        }

        int index(int plane, int row, int col) {
            return (plane * down() + row) * across() + col;
        }
    }

    private final Layout layout;
    private final FileChannel channel;
    private final Inflater inflater = new Inflater();
    private LzwDecoder lzw;
    private JpegBlocks jpeg;
    private long cachedFloats;
    private final Map<Integer, float[]> cache = new LinkedHashMap<>(64, 0.75f, true);

    TiffBlocks(Layout layout, FileChannel channel) {
        this.layout = layout;
        this.channel = channel;
    }

    Layout layout() {
        return layout;
    }

    /**
     * One block's samples, {@code rows x blockWidth x samplesPerBlockPixel}, as floats.
     *
     * @param index the block index ({@link Layout#index})
     * @return the samples (shared: do not modify)
     * @throws IOException on read failure
     * @throws IllegalArgumentException naming the block when its data is corrupt
     */
    float[] block(int index) throws IOException {
        float[] hit = cache.get(index);
        if (hit != null) {
            return hit;
        }
        float[] v = decode(index);
        cache.put(index, v);
        cachedFloats += v.length;
        var it = cache.entrySet().iterator();
        while (cachedFloats > CACHE_FLOATS && cache.size() > 1) {
            cachedFloats -= it.next().getValue().length;
            it.remove();
        }
        return v;
    }

    private float[] decode(int index) throws IOException {
        Layout l = layout;
        int row = (index / l.across()) % l.down();
        int rows = l.rowsIn(row);
        int spp = l.samplesPerBlockPixel();
        int bytes = l.type().bytes();
        int samples = rows * l.blockWidth() * spp;
        long count = l.counts()[index];
        if (count == 0 || l.offsets()[index] == 0) {
            float[] f = new float[samples];
            java.util.Arrays.fill(f, l.fill());
            return f;
        }
        byte[] src = new byte[(int) count];
        ByteBuffer buf = ByteBuffer.wrap(src);
        long at = l.offsets()[index];
        while (buf.hasRemaining()) {
            if (channel.read(buf, at + buf.position()) < 0) {
                throw new IllegalArgumentException("truncated TIFF: block " + index + " ends past "
                        + "the end of the file");
            }
        }
        byte[] raw;
        if (l.compression() == Compression.JPEG) {
            if (jpeg == null) {
                jpeg = new JpegBlocks(l.jpegTables(), l.ycbcr());
            }
            raw = jpeg.decode(src, l.blockWidth(), rows, spp);
        } else {
            raw = decompress(src, samples * bytes, index);
            Predictors.undo(l.predictor(), raw, l.blockWidth(), rows, spp, bytes, l.order());
        }
        return toFloats(raw, samples);
    }

    private byte[] decompress(byte[] src, int expected, int index) {
        switch (layout.compression()) {
            case NONE -> {
                if (src.length < expected) {
                    throw short_(index, src.length, expected);
                }
                return src;
            }
            case DEFLATE -> {
                byte[] out = new byte[expected];
                inflater.reset();
                inflater.setInput(src);
                int n = 0;
                try {
                    while (n < expected && !inflater.finished()) {
                        int k = inflater.inflate(out, n, expected - n);
                        if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                            break;
                        }
                        n += k;
                    }
                } catch (DataFormatException e) {
                    throw new IllegalArgumentException("corrupt Deflate data in block " + index
                            + " (" + e.getMessage() + ")", e);
                }
                if (n < expected) {
                    throw short_(index, n, expected);
                }
                return out;
            }
            case LZW -> {
                if (lzw == null) {
                    lzw = new LzwDecoder();
                }
                byte[] out = new byte[expected];
                int n = lzw.decode(src, out);
                if (n < expected) {
                    throw short_(index, n, expected);
                }
                return out;
            }
            case PACKBITS -> {
                byte[] out = new byte[expected];
                int n = unpackBits(src, out);
                if (n < expected) {
                    throw short_(index, n, expected);
                }
                return out;
            }
            case ZSTD -> {
                // zstd-jni, chosen over aircompressor by measurement (docs/geotiff-choice.md)
                byte[] out = new byte[expected];
                long n = Zstd.decompressByteArray(out, 0, expected, src, 0, src.length);
                if (Zstd.isError(n)) {
                    throw new IllegalArgumentException("corrupt ZSTD data in block " + index
                            + " (" + Zstd.getErrorName(n) + ")");
                }
                if (n < expected) {
                    throw short_(index, (int) n, expected);
                }
                return out;
            }
            default -> throw new IllegalStateException("compression " + layout.compression());
        }
    }

    private static IllegalArgumentException short_(int index, int got, int expected) {
        return new IllegalArgumentException("corrupt or truncated image data: block " + index
                + " decodes to " + got + " bytes, " + expected + " expected");
    }

    static int unpackBits(byte[] src, byte[] out) {
        int i = 0;
        int o = 0;
        while (i < src.length && o < out.length) {
            int n = src[i++];
            if (n >= 0) {
                int len = Math.min(n + 1, Math.min(out.length - o, src.length - i));
                System.arraycopy(src, i, out, o, len);
                i += n + 1;
                o += len;
            } else if (n != -128 && i < src.length) {
                byte v = src[i++];
                int len = Math.min(1 - n, out.length - o);
                java.util.Arrays.fill(out, o, o + len, v);
                o += len;
            }
        }
        return o;
    }

    private float[] toFloats(byte[] raw, int samples) {
        float[] f = new float[samples];
        ByteBuffer b = ByteBuffer.wrap(raw).order(layout.order());
        switch (layout.type()) {
            case UINT8 -> {
                for (int i = 0; i < samples; i++) {
                    f[i] = raw[i] & 0xFF;
                }
            }
            case UINT16 -> {
                for (int i = 0; i < samples; i++) {
                    f[i] = b.getShort(2 * i) & 0xFFFF;
                }
            }
            case INT16 -> {
                for (int i = 0; i < samples; i++) {
                    f[i] = b.getShort(2 * i);
                }
            }
            case FLOAT32 -> b.asFloatBuffer().get(f, 0, samples);
            default -> throw new IllegalStateException();
        }
        return f;
    }

    @Override
    public void close() {
        inflater.end();
        if (jpeg != null) {
            jpeg.close();
        }
        cache.clear();
    }
}
