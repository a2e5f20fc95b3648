package io.fadconv.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.data.SyntheticConfig.Part;
import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.FilePaths;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Writes a synthetic dataset of {@link SyntheticLandscape}s as real GeoTIFFs, in the layouts the
 * real datasets use:
 * <pre>
 * out/gid/image/scene_000.tif            4 bands (blue, green, red, NIR), georeferenced, nodata 0
 * out/gid/label/scene_000_label.tif      RGB colour-coded labels, GID palette (period 1)
 * out/gid-t2/image|label/...             the same places in period 2
 * out/change/scene_000.tif               1 where period-1 farmland is not farmland in period 2
 * out/hicna/t1|t2/image/scene_000_X_Y.tif  tiles of both periods (Hi-CNA layout)
 * out/hicna/t1|t2/label/scene_000_X_Y.tif  binary cropland masks (0/1)
 * out/synthetic.json                     the options, class names and colours, class pixel counts
 * </pre>
 * Scenes are written one tile row at a time (memory bounded by scene width x tile), so 8192 x
 * 8192 scenes are fine. Everything goes to a temporary sibling folder that is renamed to
 * {@code out} at the end: a failure leaves no partial dataset.
 */
public final class SyntheticDataset {

    /** UTM zone 50N (central China, where Gaofen-2 scenes of GID lie). */
    private static final int EPSG = 32650;
    private static final String CRS_NAME = "WGS 84 / UTM zone 50N";
    private static final double ORIGIN_X = 400000;
    private static final double ORIGIN_Y = 3400000;

    /**
     * What was generated.
     *
     * @param out the dataset folder
     * @param scenes scenes per period
     * @param classPixels1 pixels per GID class in period 1
     * @param classPixels2 pixels per GID class in period 2
     * @param changedPixels cropland-loss pixels
     * @param hicnaTiles Hi-CNA tiles per period (0 when not generated)
     */
    public record Summary(Path out, int scenes, long[] classPixels1, long[] classPixels2,
            long changedPixels, int hicnaTiles) {}

    private SyntheticDataset() {}

    /**
     * Generates a dataset.
     *
     * @param out the folder to create
     * @param config what to generate
     * @param replace replace {@code out} when it exists (otherwise that is an error)
     * @param threads scenes rendered in parallel
     * @param progress receives one line per finished scene
     * @return what was generated
     * @throws IOException on write failure (then nothing is left at {@code out})
     */
    public static Summary generate(Path out, SyntheticConfig config, boolean replace, int threads,
            Consumer<String> progress) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !replace) {
            throw new IllegalArgumentException(out + ": already exists; choose another folder or "
                    + "replace it (--force)");
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        boolean done = false;
        try {
            Summary s = writeAll(tmp, config, Math.max(1, threads), progress);
            writeManifest(tmp, config, s);
            swapIn(tmp, target);
            done = true;
            return new Summary(out, s.scenes(), s.classPixels1(), s.classPixels2(),
                    s.changedPixels(), s.hicnaTiles());
        } finally {
            if (!done) {
                FilePaths.deleteTree(tmp);
            }
        }
    }

    /**
     * Generates a dataset unless its folder is there (a dataset appears only complete, so a
     * folder there is a whole one): the one home of "synthetic data when missing" (quickstart,
     * train and experiment on a synthetic kind).
     *
     * @param out the folder
     * @param config what to generate
     * @param threads scenes rendered in parallel
     * @param progress receives a line saying what is generated, then one per finished scene
     *     (indented beneath it)
     * @return whether it was generated (false: the folder was there)
     * @throws IOException on write failure (then nothing is left at {@code out})
     */
    public static boolean generateIfMissing(Path out, SyntheticConfig config, int threads,
            Consumer<String> progress) throws IOException {
        if (Files.isDirectory(out)) {
            return false;
        }
        progress.accept(String.format(Locale.ROOT, "Generating the synthetic dataset in %s "
                + "(seed %d, %d scene%s of %d x %d) ...", out, config.seed(), config.scenes(),
                config.scenes() == 1 ? "" : "s", config.size(), config.size()));
        generate(out, config, false, threads, line -> progress.accept("  " + line));
        return true;
    }

    private static Summary writeAll(Path dir, SyntheticConfig c, int threads,
            Consumer<String> progress) throws IOException {
        long[] p1 = new long[Gid.CLASS_NAMES.size()];
        long[] p2 = new long[p1.length];
        long changed = 0;
        int tiles = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, c.scenes()));
        try {
            List<Future<SceneStats>> futures = new ArrayList<>();
            for (int s = 0; s < c.scenes(); s++) {
                int scene = s;
                futures.add(pool.submit(() -> writeScene(dir, c, scene)));
            }
            for (int s = 0; s < futures.size(); s++) {
                SceneStats st = futures.get(s).get();
                for (int k = 0; k < p1.length; k++) {
                    p1[k] += st.p1[k];
                    p2[k] += st.p2[k];
                }
                changed += st.changed;
                tiles += st.tiles;
                progress.accept(String.format(Locale.ROOT, "scene %d/%d written (%s)", s + 1,
                        c.scenes(), sceneName(s)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } finally {
            pool.shutdownNow();
        }
        return new Summary(dir, c.scenes(), p1, p2, changed, tiles);
    }

    /** Per-scene counts. */
    private static final class SceneStats {
        final long[] p1 = new long[Gid.CLASS_NAMES.size()];
        final long[] p2 = new long[Gid.CLASS_NAMES.size()];
        long changed;
        int tiles;
    }

    static String sceneName(int s) {
        return String.format(Locale.ROOT, "scene_%03d", s);
    }

    private static SceneStats writeScene(Path dir, SyntheticConfig c, int s) throws IOException {
        SyntheticLandscape land = new SyntheticLandscape(c.seed(), s, c.size(), c.changeFraction());
        String name = sceneName(s);
        int size = c.size();
        int tile = c.tile();
        double step = size * c.pixelSize() + 1000;
        GeoReference geo = GeoReference.projected(EPSG, ORIGIN_X + (s % 16) * step,
                ORIGIN_Y - (s / 16) * step, c.pixelSize(), CRS_NAME);
        RasterSpec image = RasterSpec.of(size, size, SyntheticLandscape.BANDS, c.sampleType())
                .withGeo(geo).withNodata(0).withTileSize(tile)
                .withCompression(io.fadconv.data.raster.Compression.DEFLATE, c.deflateLevel());
        RasterSpec rgb = RasterSpec.of(size, size, 3, SampleType.UINT8).withRgb().withGeo(geo)
                .withTileSize(tile)
                .withCompression(io.fadconv.data.raster.Compression.DEFLATE, c.deflateLevel());
        RasterSpec mask = RasterSpec.of(size, size, 1, SampleType.UINT8).withGeo(geo)
                .withColorMap(ColorMap.of(0x000000, 0xFF0000)).withTileSize(tile)
                .withCompression(io.fadconv.data.raster.Compression.DEFLATE, c.deflateLevel());
        boolean want2 = c.parts().contains(Part.GID_T2) || c.parts().contains(Part.CHANGE)
                || c.parts().contains(Part.HICNA);
        SceneStats st = new SceneStats();
        List<GeoTiffWriter> writers = new ArrayList<>();
        try {
            GeoTiffWriter img1 = null;
            GeoTiffWriter lab1 = null;
            GeoTiffWriter img2 = null;
            GeoTiffWriter lab2 = null;
            GeoTiffWriter change = null;
            if (c.parts().contains(Part.GID)) {
                img1 = open(writers, dir.resolve("gid/image/" + name + ".tif"), image);
                lab1 = open(writers, dir.resolve("gid/label/" + name + "_label.tif"), rgb);
            }
            if (c.parts().contains(Part.GID_T2)) {
                img2 = open(writers, dir.resolve("gid-t2/image/" + name + ".tif"), image);
                lab2 = open(writers, dir.resolve("gid-t2/label/" + name + "_label.tif"), rgb);
            }
            if (c.parts().contains(Part.CHANGE)) {
                change = open(writers, dir.resolve("change/" + name + ".tif"), mask);
            }
            int bandsN = SyntheticLandscape.BANDS;
            for (int y0 = 0; y0 < size; y0 += tile) {
                Window row = new Window(0, y0, size, Math.min(tile, size - y0));
                int n = (int) row.pixels();
                int[] cls1 = new int[n];
                float[] refl1 = new float[bandsN * n];
                land.render(row, false, cls1, refl1);
                int[] cls2 = null;
                float[] refl2 = null;
                if (want2) {
                    cls2 = new int[n];
                    refl2 = new float[bandsN * n];
                    land.render(row, true, cls2, refl2);
                }
                float[] dn1 = toDn(refl1, c.sampleType());
                float[] dn2 = refl2 == null ? null : toDn(refl2, c.sampleType());
                count(cls1, st.p1);
                if (cls2 != null) {
                    count(cls2, st.p2);
                }
                if (img1 != null) {
                    img1.writeWindow(row, dn1);
                    lab1.writeWindow(row, colours(cls1));
                }
                if (img2 != null) {
                    img2.writeWindow(row, dn2);
                    lab2.writeWindow(row, colours(cls2));
                }
                if (cls2 != null) {
                    byte[] loss = new byte[n];
                    for (int i = 0; i < n; i++) {
                        if (cls1[i] == Gid.FARMLAND && cls2[i] != Gid.FARMLAND) {
                            loss[i] = 1;
                            st.changed++;
                        }
                    }
                    if (change != null) {
                        change.writeWindow(row, loss);
                    }
                }
                if (c.parts().contains(Part.HICNA) && row.height() == tile) {
                    for (int x0 = 0; x0 + tile <= size; x0 += tile) {
                        String t = name + "_" + x0 + "_" + y0;
                        GeoReference tg = geo.shifted(x0, y0);
                        writeTile(dir.resolve("hicna/t1"), t, image, mask, tg, row, x0, dn1, cls1,
                                tile);
                        writeTile(dir.resolve("hicna/t2"), t, image, mask, tg, row, x0, dn2, cls2,
                                tile);
                        st.tiles++;
                    }
                }
            }
            for (GeoTiffWriter w : writers) {
                w.commit();
            }
        } finally {
            for (GeoTiffWriter w : writers) {
                w.close();
            }
        }
        return st;
    }

    private static GeoTiffWriter open(List<GeoTiffWriter> writers, Path p, RasterSpec spec)
            throws IOException {
        GeoTiffWriter w = GeoTiffWriter.create(p, spec);
        writers.add(w);
        return w;
    }

    private static void writeTile(Path dir, String name, RasterSpec image, RasterSpec mask,
            GeoReference geo, Window row, int x0, float[] dn, int[] cls, int tile)
            throws IOException {
        int bands = SyntheticLandscape.BANDS;
        int n = (int) row.pixels();
        int m = tile * tile;
        float[] img = new float[bands * m];
        byte[] lab = new byte[m];
        for (int y = 0; y < tile; y++) {
            for (int b = 0; b < bands; b++) {
                System.arraycopy(dn, b * n + y * row.width() + x0, img, b * m + y * tile, tile);
            }
            for (int x = 0; x < tile; x++) {
                lab[y * tile + x] = (byte) (cls[y * row.width() + x0 + x] == Gid.FARMLAND ? 1 : 0);
            }
        }
        RasterSpec tileImage = new RasterSpec(tile, tile, bands, image.sampleType(), false, geo,
                image.nodata(), null, tile, image.compression(), image.deflateLevel());
        RasterSpec tileMask = new RasterSpec(tile, tile, 1, SampleType.UINT8, false, geo,
                java.util.OptionalDouble.empty(), null, tile, mask.compression(),
                mask.deflateLevel());
        GeoTiffWriter.write(dir.resolve("image/" + name + ".tif"), tileImage, img);
        GeoTiffWriter.write(dir.resolve("label/" + name + ".tif"), tileMask, lab);
    }

    /** Reflectance to digital numbers: uint16 0..1000 (10-bit like Gaofen-2), uint8 0..255. */
    private static float[] toDn(float[] refl, SampleType type) {
        float scale = type == SampleType.UINT16 ? 1000 : 255;
        float[] dn = new float[refl.length];
        for (int i = 0; i < refl.length; i++) {
            dn[i] = refl[i] == 0 ? 0 : Math.max(1, Math.round(refl[i] * scale));
        }
        return dn;
    }

    private static byte[] colours(int[] cls) {
        int n = cls.length;
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            int c = Gid.color(cls[i]);
            rgb[i] = (byte) (c >> 16);
            rgb[n + i] = (byte) (c >> 8);
            rgb[2 * n + i] = (byte) c;
        }
        return rgb;
    }

    private static void count(int[] cls, long[] counts) {
        for (int c : cls) {
            counts[c]++;
        }
    }

    private static void writeManifest(Path dir, SyntheticConfig c, Summary s) throws IOException {
        ObjectNode root = Json.object();
        root.put("generator", "fadconv synth (io.fadconv.data.SyntheticDataset)");
        root.put("seed", c.seed());
        root.put("scenes", c.scenes());
        root.put("size", c.size());
        root.put("tile", c.tile());
        root.put("sampleType", c.sampleType().gdalName());
        root.put("pixelSize", c.pixelSize());
        root.put("changeFraction", c.changeFraction());
        root.put("epsg", EPSG);
        ArrayNode parts = root.putArray("parts");
        c.parts().stream().sorted().forEach(p -> parts.add(p.name()));
        root.put("bands", "blue, green, red, near infrared; 0 = nodata");
        ArrayNode classes = root.putArray("classes");
        for (int k = 0; k < Gid.CLASS_NAMES.size(); k++) {
            ObjectNode o = classes.addObject();
            o.put("id", k);
            o.put("name", Gid.CLASS_NAMES.get(k));
            o.put("color", String.format(Locale.ROOT, "#%06X", Gid.color(k)));
            o.put("pixelsPeriod1", s.classPixels1()[k]);
            o.put("pixelsPeriod2", s.classPixels2()[k]);
        }
        root.put("croplandLossPixels", s.changedPixels());
        root.put("hicnaTilesPerPeriod", s.hicnaTiles());
        AtomicFiles.writeString(dir.resolve("synthetic.json"), Json.pretty(root) + "\n");
    }

    private static void swapIn(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        if (old != null) {
            FilePaths.deleteTree(old);
        }
    }
}
