package io.fadconv.workflow;

import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.TestRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small batch for the batch tests here and in the spark module: a tiny GID run with random
 * weights, three synthetic bi-temporal pairs (two in region "north", one with a true change
 * mask, one in "south") and one bad pair whose t2 scene is shifted by a pixel, so not
 * co-registered. Written to {@code dir/} with {@code dir/pairs.csv} (relative paths).
 */
public final class BatchFixture {

    /** Scene width. */
    public static final int WIDTH = 160;
    /** Scene height. */
    public static final int HEIGHT = 128;
    /** The bad pair's id. */
    public static final String BAD = "shifted";
    /** A pair whose t2 scene has a valid header and corrupt tile data (fails while mapped). */
    public static final String CORRUPT = "corrupt";

    /** The folder. */
    public final Path dir;
    /** The run folder. */
    public final Path run;
    /** The pairs CSV. */
    public final Path csv;
    /** Its pairs. */
    public final List<PairSpec> pairs;

    private BatchFixture(Path dir, Path run, Path csv, List<PairSpec> pairs) {
        this.dir = dir;
        this.run = run;
        this.csv = csv;
        this.pairs = pairs;
    }

    /**
     * Writes the fixture.
     *
     * @param dir an empty folder
     * @return the fixture
     * @throws IOException on write failure
     */
    public static BatchFixture write(Path dir) throws IOException {
        Path run = TestRuns.gid(dir.resolve("run"), "static").dir();
        Path scenes = dir.resolve("scenes");
        Files.createDirectories(scenes);
        int[] a1 = TestRuns.scene(scenes.resolve("a_t1.tif"), WIDTH, HEIGHT, 11, false);
        int[] a2 = TestRuns.scene(scenes.resolve("a_t2.tif"), WIDTH, HEIGHT, 11, true);
        TestRuns.scene(scenes.resolve("b_t1.tif"), WIDTH, HEIGHT, 12, false);
        TestRuns.scene(scenes.resolve("b_t2.tif"), WIDTH, HEIGHT, 12, true);
        TestRuns.scene(scenes.resolve("c_t1.tif"), WIDTH, HEIGHT, 13, false);
        TestRuns.scene(scenes.resolve("c_t2.tif"), WIDTH, HEIGHT, 13, true);
        TestRuns.scene(scenes.resolve("s_t1.tif"), WIDTH, HEIGHT, 14, false);
        shifted(scenes.resolve("s_t2.tif"), 14);
        TestRuns.scene(scenes.resolve("x_t1.tif"), WIDTH, HEIGHT, 15, false);
        TestRuns.scene(scenes.resolve("x_t2.tif"), WIDTH, HEIGHT, 15, true);
        corrupt(scenes.resolve("x_t2.tif"));
        // The truth of pair a: period-1 farmland (GID class 2) that is not farmland in period 2.
        byte[] truth = new byte[a1.length];
        for (int i = 0; i < a1.length; i++) {
            truth[i] = (byte) (a1[i] == 2 && a2[i] != 2 ? 1 : 0);
        }
        GeoTiffWriter.write(scenes.resolve("a_truth.tif"), RasterSpec.of(WIDTH, HEIGHT, 1,
                SampleType.UINT8).withGeo(TestRuns.GEO).withTileSize(64), truth);
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, """
                id,before,after,region,truth
                a,scenes/a_t1.tif,scenes/a_t2.tif,north,scenes/a_truth.tif
                b,scenes/b_t1.tif,scenes/b_t2.tif,north,
                shifted,scenes/s_t1.tif,scenes/s_t2.tif,south,
                c,scenes/c_t1.tif,scenes/c_t2.tif,south,
                """, StandardCharsets.UTF_8);
        return new BatchFixture(dir, run, csv, PairList.fromCsv(csv));
    }

    /** Overwrites bytes in the middle of a file's tile data (the header stays readable). */
    private static void corrupt(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int i = b.length / 2; i < b.length / 2 + 256; i++) {
            b[i] = (byte) (i * 37);
        }
        Files.write(file, b);
    }

    /**
     * The pair with corrupt tile data.
     *
     * @return the pair
     */
    public PairSpec corruptPair() {
        Path s = dir.resolve("scenes");
        return new PairSpec(CORRUPT, s.resolve("x_t1.tif").toString(),
                s.resolve("x_t2.tif").toString(), "south", "");
    }

    /** A t2 scene whose origin is one pixel east of the others'. */
    private static void shifted(Path file, long seed) throws IOException {
        Path tmp = file.resolveSibling("unshifted.tif");
        TestRuns.scene(tmp, WIDTH, HEIGHT, seed, true);
        float[] v;
        try (io.fadconv.data.raster.RasterReader r = io.fadconv.data.raster.RasterReader
                .open(tmp)) {
            v = r.readWindow(r.info().extent());
        }
        Files.delete(tmp);
        GeoReference geo = GeoReference.projected(32650, 400000.8, 3400000, 0.8,
                "WGS 84 / UTM zone 50N");
        GeoTiffWriter.write(file, RasterSpec.of(WIDTH, HEIGHT, 4, SampleType.UINT16)
                .withGeo(geo).withNodata(0).withTileSize(64), v);
    }

    /**
     * The job: windows of 128 with a 32-pixel margin, batch 2, minimum mapping unit 4 pixels.
     *
     * @param out the output folder
     * @return the job
     */
    public CnaJob job(Path out) {
        return CnaJob.of(run, out, 128, 32, 2, CnaOptions.defaults().withMinPatch(4,
                io.fadconv.infer.PatchSieve.Connectivity.EIGHT));
    }

    /**
     * The good pairs.
     *
     * @return a, b, c
     */
    public List<PairSpec> good() {
        return pairs.stream().filter(p -> !p.id().equals(BAD)).toList();
    }
}
