package io.fadconv.data.raster;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Test TIFFs made by an encoder independent of ours (the JDK's TIFF writer): every compression
 * the reader must handle, tiled and striped, every sample type, 1-8 bands. Plus helpers to damage
 * files on purpose.
 */
final class JdkTiffs {

    private JdkTiffs() {}

    /** Random band-sequential test data with values that exercise the type's range. */
    static float[] randomData(SampleType type, int bands, int w, int h, long seed) {
        Random r = new Random(seed);
        float[] d = new float[bands * w * h];
        for (int i = 0; i < d.length; i++) {
            // smooth-ish ramps plus noise, so compressors have something to do
            int x = i % w;
            float base = (x * 7 + i / w) % 97;
            d[i] = switch (type) {
                case UINT8 -> (base * 2 + r.nextInt(60)) % 256;
                case UINT16 -> (base * 600 + r.nextInt(5000)) % 65536;
                case INT16 -> (base * 600 + r.nextInt(5000)) % 65536 - 32768;
                case FLOAT32 -> (float) (base - 40 + r.nextGaussian() * 1e3);
            };
        }
        return d;
    }

    /**
     * Writes a TIFF with the JDK encoder.
     *
     * @param compression null for none, else "LZW", "Deflate", "ZLib" or "PackBits"
     * @param tile tile size, or 0 for strips
     */
    static void write(Path file, SampleType type, int bands, int w, int h, float[] data,
            String compression, int tile) throws IOException {
        int dataType = switch (type) {
            case UINT8 -> DataBuffer.TYPE_BYTE;
            case UINT16 -> DataBuffer.TYPE_USHORT;
            case INT16 -> DataBuffer.TYPE_SHORT;
            case FLOAT32 -> DataBuffer.TYPE_FLOAT;
        };
        int[] offsets = new int[bands];
        for (int b = 0; b < bands; b++) {
            offsets[b] = b;
        }
        WritableRaster raster = Raster.createWritableRaster(
                new PixelInterleavedSampleModel(dataType, w, h, bands, w * bands, offsets), null);
        int n = w * h;
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < n; i++) {
                raster.setSample(i % w, i / w, b, data[b * n + i]);
            }
        }
        ColorSpace cs = bands == 1 ? ColorSpace.getInstance(ColorSpace.CS_GRAY)
                : bands == 3 ? ColorSpace.getInstance(ColorSpace.CS_sRGB) : new NBandSpace(bands);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE,
                dataType);
        BufferedImage img = new BufferedImage(cm, raster, false, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        ImageWriteParam p = writer.getDefaultWriteParam();
        if (compression != null) {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType(compression);
        } else {
            p.setCompressionMode(ImageWriteParam.MODE_DISABLED);
        }
        if (tile > 0) {
            p.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
            p.setTiling(tile, tile, 0, 0);
        }
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
    }

    /** A colour space of n components, only so the JDK writer accepts 2 or 4-8 bands. */
    private static final class NBandSpace extends ColorSpace {
        private static final long serialVersionUID = 1L;

        NBandSpace(int n) {
            super(n == 2 ? TYPE_2CLR : n == 4 ? TYPE_4CLR : n == 5 ? TYPE_5CLR
                    : n == 6 ? TYPE_6CLR : n == 7 ? TYPE_7CLR : TYPE_8CLR, n);
        }

        @Override
        public float[] toRGB(float[] v) {
            return new float[] {v[0], v[0], v[0]};
        }

        @Override
        public float[] fromRGB(float[] rgb) {
            return new float[getNumComponents()];
        }

        @Override
        public float[] toCIEXYZ(float[] v) {
            return new float[] {v[0], v[0], v[0]};
        }

        @Override
        public float[] fromCIEXYZ(float[] v) {
            return new float[getNumComponents()];
        }
    }

    /** Overwrites the value of a one-value SHORT or LONG tag in the first IFD (little- or big-endian). */
    static void patchTag(Path file, int tag, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            ch.read(head, 0);
            ByteOrder order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            long ifd = head.getInt(4) & 0xFFFFFFFFL;
            ByteBuffer cnt = ByteBuffer.allocate(2).order(order);
            ch.read(cnt, ifd);
            int n = cnt.getShort(0) & 0xFFFF;
            ByteBuffer e = ByteBuffer.allocate(12 * n).order(order);
            ch.read(e, ifd + 2);
            for (int i = 0; i < n; i++) {
                if ((e.getShort(12 * i) & 0xFFFF) == tag) {
                    int type = e.getShort(12 * i + 2);
                    ByteBuffer v = ByteBuffer.allocate(4).order(order);
                    if (type == 3) {
                        v.putShort((short) value).putShort((short) 0);
                    } else {
                        v.putInt(value);
                    }
                    ch.write(v.flip(), ifd + 2 + 12 * i + 8);
                    return;
                }
            }
            throw new IllegalArgumentException("tag " + tag + " not in " + file);
        }
    }

    /** Overwrites bytes at an offset. */
    static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    /** Cuts a file to its first bytes. */
    static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** The values of a window of band-sequential data. */
    static float[] crop(float[] data, int bands, int w, int h, Window win, int... sel) {
        int n = w * h;
        int[] bs = sel.length == 0 ? java.util.stream.IntStream.range(0, bands).toArray() : sel;
        float[] out = new float[(int) (bs.length * win.pixels())];
        int o = 0;
        for (int b : bs) {
            for (int y = win.y(); y < win.y() + win.height(); y++) {
                for (int x = win.x(); x < win.x() + win.width(); x++) {
                    out[o++] = data[b * n + y * w + x];
                }
            }
        }
        return out;
    }
}
