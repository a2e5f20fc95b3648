package io.fadconv.data.raster;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * GDAL's command-line tools (Debian's gdal-bin), the reference the GeoTIFF tests compare with.
 * They are required: {@code .ci/run} installs them; elsewhere a test fails with the command that
 * installs them rather than being skipped.
 */
public final class Gdal {

    private static Boolean available;

    private Gdal() {}

    /** Fails the calling test with what to install when GDAL's tools are missing. */
    public static synchronized void require() {
        if (available == null) {
            try {
                available = run("gdalinfo", "--version").startsWith("GDAL");
            } catch (IOException | RuntimeException e) {
                available = false;
            }
        }
        if (!available) {
            fail("GDAL's command-line tools are needed by the GeoTIFF tests (the reference they "
                    + "compare with): install them with 'apt-get install gdal-bin' (.ci/run does)");
        }
    }

    /** Runs a command; its output, or a failure with the output when it exits non-zero. */
    public static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code gdalinfo -json}. */
    public static JsonNode info(Path f) throws IOException {
        return Json.MAPPER.readTree(run("gdalinfo", "-json", f.toString()));
    }

    /** {@code gdalsrsinfo -o projjson}: the CRS as GDAL/PROJ understands the file's GeoKeys. */
    public static JsonNode srs(Path f) throws IOException {
        return Json.MAPPER.readTree(run("gdalsrsinfo", "-o", "projjson", f.toString()));
    }

    /** GDAL's geotransform of a file. */
    static double[] geoTransform(JsonNode info) {
        double[] t = new double[6];
        for (int i = 0; i < 6; i++) {
            t[i] = info.get("geoTransform").get(i).asDouble();
        }
        return t;
    }

    /** {@code gdallocationinfo -valonly}: the values of every band at one pixel. */
    static double[] valuesAt(Path f, int x, int y) throws IOException {
        String[] v = run("gdallocationinfo", "-valonly", f.toString(), "" + x, "" + y).strip()
                .split("\\s+");
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = Double.parseDouble(v[i]);
        }
        return d;
    }

    /**
     * Writes band-sequential values as an ENVI raw file with its header: a file GDAL reads
     * without any of our code in between.
     */
    static Path envi(Path dir, String name, SampleType type, int bands, int w, int h,
            float[] data) throws IOException {
        Path raw = dir.resolve(name + ".raw");
        ByteBuffer b = ByteBuffer.allocate(data.length * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            switch (type) {
                case UINT8 -> b.put((byte) (int) v);
                case UINT16, INT16 -> b.putShort((short) (int) v);
                case FLOAT32 -> b.putFloat(v);
                default -> throw new IllegalStateException();
            }
        }
        Files.write(raw, b.array());
        int enviType = switch (type) {
            case UINT8 -> 1;
            case INT16 -> 2;
            case UINT16 -> 12;
            case FLOAT32 -> 4;
        };
        Files.writeString(dir.resolve(name + ".hdr"), String.format(Locale.ROOT,
                "ENVI\nsamples = %d\nlines = %d\nbands = %d\nheader offset = 0\nfile type = ENVI "
                + "Standard\ndata type = %d\ninterleave = bsq\nbyte order = 0\n", w, h, bands,
                enviType));
        return raw;
    }

    /** {@code gdal_translate -q} with the given options. */
    static void translate(Path src, Path dst, List<String> options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        cmd.addAll(options);
        cmd.add(src.toString());
        cmd.add(dst.toString());
        run(cmd.toArray(String[]::new));
    }

    /** Every pixel as GDAL decodes it, through an uncompressed ENVI copy. */
    static float[] pixels(Path f, SampleType type, Path scratch) throws IOException {
        Path raw = scratch.resolve(f.getFileName() + ".decoded.raw");
        translate(f, raw, List.of("-of", "ENVI", "-co", "INTERLEAVE=BSQ"));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.capacity() / type.bytes()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (type) {
                case UINT8 -> b.get(i) & 0xFF;
                case UINT16 -> b.getShort(2 * i) & 0xFFFF;
                case INT16 -> b.getShort(2 * i);
                case FLOAT32 -> b.getFloat(4 * i);
            };
        }
        return v;
    }
}
