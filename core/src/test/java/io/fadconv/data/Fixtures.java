package io.fadconv.data;

import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small rasters for dataset tests. */
final class Fixtures {

    private Fixtures() {}

    /** An image whose band b pixel (x, y) holds {@code base + 100 b + y * w + x}. */
    static float[] ramp(int bands, int w, int h, int base) {
        float[] d = new float[bands * w * h];
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < w * h; i++) {
                d[b * w * h + i] = base + 100 * b + i;
            }
        }
        return d;
    }

    static void image(Path f, int bands, int w, int h, int base) throws IOException {
        GeoTiffWriter.write(f, RasterSpec.of(w, h, bands, SampleType.UINT16).withTileSize(16),
                ramp(bands, w, h, base));
    }

    /** A colour-coded label where pixel i has GID class {@code classOf(i)}. */
    static void gidLabel(Path f, int w, int h, int[] classes) throws IOException {
        int n = w * h;
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            int c = Gid.color(classes[i]);
            rgb[i] = (byte) (c >> 16);
            rgb[n + i] = (byte) (c >> 8);
            rgb[2 * n + i] = (byte) c;
        }
        GeoTiffWriter.write(f, RasterSpec.of(w, h, 3, SampleType.UINT8).withRgb().withTileSize(16),
                rgb);
    }

    static void mask(Path f, int w, int h, int[] values) throws IOException {
        byte[] b = new byte[w * h];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        GeoTiffWriter.write(f, RasterSpec.of(w, h, 1, SampleType.UINT8).withTileSize(16), b);
    }

    static int[] pattern(int n, int modulo) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = (i / 3) % modulo;
        }
        return c;
    }

    static void pngGrey(Path f, int w, int h, int[] values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < w * h; i++) {
            img.getRaster().setSample(i % w, i / w, 0, values[i]);
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }

    static void pngRgb(Path f, int w, int h, int base) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < w * h; i++) {
            for (int b = 0; b < 3; b++) {
                img.getRaster().setSample(i % w, i / w, b, (base + 10 * b + i) % 256);
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }
}
