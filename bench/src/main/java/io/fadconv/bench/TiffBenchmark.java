package io.fadconv.bench;

import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import mil.nga.tiff.FileDirectory;
import mil.nga.tiff.ImageWindow;
import mil.nga.tiff.Rasters;
import mil.nga.tiff.TIFFImage;
import mil.nga.tiff.TiffReader;

/**
 * The GeoTIFF decoder comparison behind docs/geotiff-choice.md, rerunnable: random 512 x 512
 * windows of a large 4-band uint16 tiled Deflate scene, read through this project's reader (our
 * own block decoder), the JDK's TIFF plugin ({@code javax.imageio}) and {@code mil.nga:tiff}; time
 * to open, time per window and heap held after opening. Then the two ZSTD libraries on the same
 * tiles (ZSTD-compressed by zstd-jni at GDAL's default level 9): the time to decompress the 9
 * tiles of a 512 x 512 window and the heap the decoder holds.
 */
public final class TiffBenchmark {

    /**
     * One library's result.
     *
     * @param library the reader
     * @param openMs time to open
     * @param windowMs mean time per window (all bands)
     * @param retainedMb heap held after opening (after a GC), MB
     * @param checksum sum of one pixel per window and band, equal for both readers
     */
    public record Row(String library, double openMs, double windowMs, double retainedMb,
            long checksum) {}

    private TiffBenchmark() {}

    /**
     * Writes the test scene unless it exists: smooth patterns plus noise, so Deflate has work.
     *
     * @param file the path
     * @param width width
     * @param height height
     * @throws IOException on failure
     */
    public static void scene(Path file, int width, int height) throws IOException {
        if (Files.isRegularFile(file)) {
            return;
        }
        Random rnd = new Random(0);
        int rows = 256;
        try (GeoTiffWriter w = GeoTiffWriter.create(file,
                RasterSpec.of(width, height, 4, SampleType.UINT16).withTileSize(256))) {
            for (int y0 = 0; y0 < height; y0 += rows) {
                int h = Math.min(rows, height - y0);
                float[] v = new float[4 * h * width];
                for (int b = 0; b < 4; b++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < width; x++) {
                            int yy = y0 + y;
                            v[(b * h + y) * width + x] = (float) Math.max(0, 400 + 150 * b
                                    + 200 * Math.sin(x / 37.0 + b) * Math.cos(yy / 53.0)
                                    + 100 * Math.sin((x + yy) / 7.0) + 30 * rnd.nextGaussian());
                        }
                    }
                }
                w.writeWindow(new Window(0, y0, width, h), v);
            }
            w.commit();
        }
    }

    /**
     * Reads the same random windows with both libraries.
     *
     * @param file the scene
     * @param windows how many windows
     * @return one row per library (ours first)
     * @throws IOException on failure
     */
    public static List<Row> run(Path file, int windows) throws IOException {
        List<Row> rows = new ArrayList<>();
        int[][] origins;
        int width;
        int height;
        try (GeoTiffReader r = GeoTiffReader.open(file)) {
            width = r.info().width();
            height = r.info().height();
        }
        Random rnd = new Random(1);
        origins = new int[windows][];
        for (int i = 0; i < windows; i++) {
            origins[i] = new int[] {rnd.nextInt(width - 512), rnd.nextInt(height - 512)};
        }
        long base = heapAfterGc();
        long t0 = System.nanoTime();
        try (GeoTiffReader r = GeoTiffReader.open(file)) {
            double open = (System.nanoTime() - t0) / 1e6;
            double retained = (heapAfterGc() - base) / 1e6;
            long sum = 0;
            long t1 = System.nanoTime();
            for (int[] o : origins) {
                float[] v = r.readWindow(new Window(o[0], o[1], 512, 512));
                for (int b = 0; b < 4; b++) {
                    sum += (long) v[b * 512 * 512 + 100 * 512 + 100];
                }
            }
            rows.add(new Row("this project (own decoder)", open,
                    (System.nanoTime() - t1) / 1e6 / windows, retained, sum));
        }
        rows.add(jdkPlugin(file, origins));
        base = heapAfterGc();
        t0 = System.nanoTime();
        TIFFImage img = TiffReader.readTiff(file.toFile());
        FileDirectory dir = img.getFileDirectory();
        double open = (System.nanoTime() - t0) / 1e6;
        double retained = (heapAfterGc() - base) / 1e6;
        long sum = 0;
        long t1 = System.nanoTime();
        for (int[] o : origins) {
            Rasters rs = dir.readRasters(new ImageWindow(o[0], o[1], o[0] + 512, o[1] + 512));
            for (int b = 0; b < rs.getSamplesPerPixel(); b++) {
                sum += rs.getPixelSample(b, 100, 100).longValue();
            }
        }
        rows.add(new Row("mil.nga:tiff 3.0.0", open, (System.nanoTime() - t1) / 1e6 / windows,
                retained, sum));
        if (dir.getImageWidth().intValue() != width) { // keeps img reachable until here
            throw new IllegalStateException("mil.nga read another width");
        }
        rows.addAll(zstd(file, windows));
        return rows;
    }

    /** The JDK's TIFF plugin, which decoded the pixels before issue 12, on the same windows. */
    private static Row jdkPlugin(Path file, int[][] origins) throws IOException {
        long base = heapAfterGc();
        long t0 = System.nanoTime();
        try (javax.imageio.stream.ImageInputStream in =
                new javax.imageio.stream.FileImageInputStream(file.toFile())) {
            javax.imageio.ImageReader rd = javax.imageio.ImageIO.getImageReadersByFormatName("tiff")
                    .next();
            rd.setInput(in, true, true);
            rd.getWidth(0);
            double open = (System.nanoTime() - t0) / 1e6;
            double retained = (heapAfterGc() - base) / 1e6;
            long sum = 0;
            long t1 = System.nanoTime();
            javax.imageio.ImageReadParam p = rd.getDefaultReadParam();
            for (int[] o : origins) {
                p.setSourceRegion(new java.awt.Rectangle(o[0], o[1], 512, 512));
                java.awt.image.Raster r = rd.read(0, p).getRaster();
                for (int b = 0; b < 4; b++) {
                    sum += r.getSample(r.getMinX() + 100, r.getMinY() + 100, b);
                }
            }
            double ms = (System.nanoTime() - t1) / 1e6 / origins.length;
            rd.dispose();
            return new Row("JDK TIFF plugin (javax.imageio)", open, ms, retained, sum);
        }
    }

    /**
     * ZSTD decompression of the tiles a window touches, with aircompressor (pure Java) and
     * zstd-jni (native, what the reader uses): tiles of the scene recompressed at level 9.
     */
    private static List<Row> zstd(Path file, int windows) throws IOException {
        List<byte[]> tiles = new ArrayList<>();
        int tileBytes = 256 * 256 * 4 * 2;
        try (GeoTiffReader r = GeoTiffReader.open(file)) {
            Random rnd = new Random(2);
            for (int i = 0; i < 9 * Math.min(windows, 8); i++) {
                int tx = rnd.nextInt(r.info().width() / 256);
                int ty = rnd.nextInt(r.info().height() / 256);
                float[] v = r.readWindow(new Window(256 * tx, 256 * ty, 256, 256));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(tileBytes)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int px = 0; px < 256 * 256; px++) {
                    for (int band = 0; band < 4; band++) {
                        b.putShort((short) v[band * 256 * 256 + px]);
                    }
                }
                tiles.add(com.github.luben.zstd.Zstd.compress(b.array(), 9));
            }
        }
        byte[] out = new byte[tileBytes];
        List<Row> rows = new ArrayList<>();
        for (String lib : new String[] {"aircompressor", "zstd-jni"}) {
            long base = heapAfterGc();
            io.airlift.compress.zstd.ZstdDecompressor air = lib.equals("aircompressor")
                    ? new io.airlift.compress.zstd.ZstdDecompressor() : null;
            double retained = (heapAfterGc() - base) / 1e6;
            long sum = 0;
            long t0 = 0;
            int rounds = 6;
            for (int round = 0; round < rounds; round++) {
                if (round == rounds / 2) { // the first half warms up (JIT)
                    t0 = System.nanoTime();
                    sum = 0;
                }
                for (byte[] t : tiles) {
                    if (air != null) {
                        air.decompress(t, 0, t.length, out, 0, tileBytes);
                    } else {
                        com.github.luben.zstd.Zstd.decompressByteArray(out, 0, tileBytes, t, 0,
                                t.length);
                    }
                    sum += out[1000] & 0xFF;
                }
            }
            double perWindow = (System.nanoTime() - t0) / 1e6 / (tiles.size() * (rounds / 2)) * 9;
            rows.add(new Row("ZSTD tiles: " + (air != null ? "aircompressor 2.0.2 (pure Java)"
                    : "zstd-jni 1.5.7-28 (native)"), 0, perWindow, retained, sum));
        }
        return rows;
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Formats rows as a markdown table.
     *
     * @param rows the rows
     * @return the table
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| reader | open ms | per 512x512 window ms | heap "
                + "held after open MB | checksum |\n|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %d |%n",
                    r.library(), r.openMs(), r.windowMs(), r.retainedMb(), r.checksum()));
        }
        return sb.toString();
    }
}
