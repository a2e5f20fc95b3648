package io.fadconv.data.raster;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes the blocks of a JPEG-compressed TIFF (compression 7) with the JDK's JPEG decoder: the
 * shared JPEGTables are put in front of each block's abbreviated stream, the components are read
 * raw (no colour guess by the decoder), and YCbCr is turned into RGB with libjpeg's fixed-point
 * formulas, as GDAL does when it reads such files (JPEGCOLORMODE=RGB).
 */
final class JpegBlocks implements AutoCloseable {

    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        int half = 1 << 15;
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + half) >> 16;
            CB_B[i] = (fix(1.77200) * x + half) >> 16;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + half;
        }
    }

    private final byte[] tables;
    private final boolean ycbcr;
    private final ImageReader reader;

    /**
     * A decoder for one file.
     *
     * @param tables the JPEGTables tag, or null
     * @param ycbcr whether PhotometricInterpretation is YCbCr (6)
     */
    JpegBlocks(byte[] tables, boolean ycbcr) {
        this.tables = tables;
        this.ycbcr = ycbcr;
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        if (!it.hasNext()) {
            throw new IllegalStateException("this Java runtime has no JPEG decoder (javax.imageio)");
        }
        this.reader = it.next();
    }

    private static int fix(double v) {
        return (int) (v * 65536 + 0.5);
    }

    /**
     * Decodes one block into pixel-interleaved bytes.
     *
     * @param data the block's bytes
     * @param width pixels per block row
     * @param rows rows of the block
     * @param samples samples per pixel of the block
     * @return {@code rows x width x samples} bytes
     * @throws IOException when the stream is not valid JPEG
     */
    byte[] decode(byte[] data, int width, int rows, int samples) throws IOException {
        byte[] stream = data;
        if (tables != null && tables.length > 4 && data.length > 2) {
            stream = new byte[tables.length - 2 + data.length - 2];
            System.arraycopy(tables, 0, stream, 0, tables.length - 2); // without its EOI
            System.arraycopy(data, 2, stream, tables.length - 2, data.length - 2); // without SOI
        }
        Raster r;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(stream))) {
            reader.setInput(in, true, true);
            r = reader.readRaster(0, null);
        }
        if (r.getNumBands() != samples) {
            throw new IllegalArgumentException("a JPEG block has " + r.getNumBands()
                    + " components but the TIFF says " + samples + " samples per pixel");
        }
        byte[] out = new byte[width * rows * samples];
        int w = Math.min(width, r.getWidth());
        int h = Math.min(rows, r.getHeight());
        int[] px = new int[samples];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.getPixel(r.getMinX() + x, r.getMinY() + y, px);
                int at = (y * width + x) * samples;
                if (ycbcr && samples == 3) {
                    int luma = px[0];
                    int cb = px[1];
                    int cr = px[2];
                    out[at] = clamp(luma + CR_R[cr]);
                    out[at + 1] = clamp(luma + ((CB_G[cb] + CR_G[cr]) >> 16));
                    out[at + 2] = clamp(luma + CB_B[cb]);
                } else {
                    for (int s = 0; s < samples; s++) {
                        out[at + s] = (byte) px[s];
                    }
                }
            }
        }
        return out;
    }

    private static byte clamp(int v) {
        return (byte) Math.max(0, Math.min(255, v));
    }

    @Override
    public void close() {
        reader.dispose();
    }
}
