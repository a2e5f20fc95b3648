package io.fadconv.data.raster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Edits the georeferencing tags of a little-endian classic TIFF in place (GDAL's default
 * output), to make the irregular files other tools write.
 */
final class TiffPatch {

    private TiffPatch() {}

    /** The file offset of a tag's values (the tag must store them outside its entry). */
    private static long valuesAt(FileChannel ch, int tag) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(head, 0);
        if (head.get(0) != 'I' || head.getShort(2) != 42) {
            throw new IllegalStateException("TiffPatch edits little-endian classic TIFFs only");
        }
        long ifd = head.getInt(4) & 0xFFFFFFFFL;
        ByteBuffer cnt = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(cnt, ifd);
        int n = cnt.getShort(0) & 0xFFFF;
        ByteBuffer e = ByteBuffer.allocate(12 * n).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(e, ifd + 2);
        for (int i = 0; i < n; i++) {
            if ((e.getShort(12 * i) & 0xFFFF) == tag) {
                return e.getInt(12 * i + 8) & 0xFFFFFFFFL;
            }
        }
        throw new IllegalStateException("tag " + tag + " not found");
    }

    private static FileChannel open(Path f) throws IOException {
        return FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** The GeoKeyDirectory's values. */
    static int[] geoKeys(Path f) throws IOException {
        return TiffDirectoryAccess.keys(f);
    }

    /** Sets value {@code index} of the GeoKeyDirectory. */
    static void setGeoKey(Path f, int index, int value) throws IOException {
        try (FileChannel ch = open(f)) {
            ByteBuffer v = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            v.putShort((short) value).flip();
            ch.write(v, valuesAt(ch, TiffTags.GEO_KEY_DIRECTORY) + 2L * index);
        }
    }

    /** Sets the x and y of ModelPixelScale to 0. */
    static void zeroPixelScale(Path f) throws IOException {
        try (FileChannel ch = open(f)) {
            ch.write(ByteBuffer.allocate(16), valuesAt(ch, TiffTags.MODEL_PIXEL_SCALE));
        }
    }

    /** Reads the GeoKeyDirectory with our parser (the raw values, before any leniency). */
    private static final class TiffDirectoryAccess {
        static int[] keys(Path f) throws IOException {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long[] k = TiffDirectory.read(ch).ints(TiffTags.GEO_KEY_DIRECTORY);
                int[] out = new int[k.length];
                for (int i = 0; i < k.length; i++) {
                    out[i] = (int) k[i];
                }
                return out;
            }
        }
    }
}
