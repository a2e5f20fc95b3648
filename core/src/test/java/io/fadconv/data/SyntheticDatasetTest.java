package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {

    @TempDir Path tmp;

    /** 2 scenes of 256 x 256, Hi-CNA tiles of 128. */
    static SyntheticConfig small(long seed) {
        return SyntheticConfig.demo(seed).withTile(128).withScenes(2, 256).withChangeFraction(0.5);
    }

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherData() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        SyntheticDataset.generate(a, small(3), false, 2, line -> { });
        SyntheticDataset.generate(b, small(3), false, 1, line -> { });
        List<Path> fa = files(a);
        assertThat(fa).isEqualTo(files(b)).hasSize(1 + 2 * 2 * 2 + 2 + 2 * 2 * 4 * 2);
        for (Path f : fa) {
            assertThat(Files.readAllBytes(b.resolve(f))).as(f.toString())
                    .isEqualTo(Files.readAllBytes(a.resolve(f)));
        }
        Path c = tmp.resolve("c");
        SyntheticDataset.generate(c, small(4), false, 2, line -> { });
        assertThat(Files.readAllBytes(c.resolve("gid/image/scene_000.tif")))
                .isNotEqualTo(Files.readAllBytes(a.resolve("gid/image/scene_000.tif")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "b",
                    "c"); // no temporary folders left
        }
        assertThatThrownBy(() -> SyntheticDataset.generate(a, small(3), false, 1, line -> { }))
                .hasMessage(a + ": already exists; choose another folder or replace it (--force)");
    }

    @Test
    void generateIfMissingSaysWhatItGeneratesAndKeepsAFolderThatIsThere() throws IOException {
        Path out = tmp.resolve("demo");
        List<String> lines = new java.util.ArrayList<>();
        assertThat(SyntheticDataset.generateIfMissing(out, small(5), 2, lines::add)).isTrue();
        assertThat(lines).containsExactly("Generating the synthetic dataset in " + out
                + " (seed 5, 2 scenes of 256 x 256) ...", "  scene 1/2 written (scene_000)",
                "  scene 2/2 written (scene_001)");
        Path scene = out.resolve("gid/image/scene_000.tif");
        Files.write(scene, new byte[] {1});
        lines.clear();
        assertThat(SyntheticDataset.generateIfMissing(out, small(5), 2, lines::add)).isFalse();
        assertThat(lines).isEmpty();
        assertThat(Files.readAllBytes(scene)).as("left as it was").containsExactly(1);
    }

    @Test
    void layoutsReadBackAsGidAndHiCnaAndTheChangeMaskIsTheTruth() throws IOException {
        Path out = tmp.resolve("synth");
        SyntheticDataset.Summary sum = SyntheticDataset.generate(out, small(0), false, 2,
                line -> { });
        DatasetSource gid = Gid.scan(out.resolve("gid"));
        DatasetSource gid2 = Gid.scan(out.resolve("gid-t2"));
        assertThat(gid.scenes()).hasSize(2);
        List<Sample> tiles = Tiling.grid(128).cut(gid);
        assertThat(tiles).hasSize(8);
        RasterInfo info = GeoTiffReader.info(gid.scenes().get(1).image());
        assertThat(info.bands()).isEqualTo(4);
        assertThat(info.sampleType()).isEqualTo(SampleType.UINT16);
        assertThat(info.nodata()).hasValue(0);
        assertThat(info.geo().epsg()).hasValue(32650);
        assertThat(info.geo().geoTransform().orElseThrow()).containsExactly(400000 + 256 * 0.8
                + 1000, 0.8, 0, 3400000, 0, -0.8);
        assertThat(HiCna.periods(out.resolve("hicna"))).containsExactly("t1", "t2");
        DatasetSource hicna = HiCna.scan(out.resolve("hicna"));
        assertThat(hicna.scenes()).hasSize(16);

        long changed = 0;
        long[] counted = new long[6];
        for (int s = 0; s < 2; s++) {
            Window all = Window.full(256, 256);
            int[] c1;
            int[] c2;
            int[] change;
            try (RasterReader r = RasterReader.open(gid.scenes().get(s).label())) {
                c1 = Gid.LABELS.decode(r, all);
            }
            try (RasterReader r = RasterReader.open(gid2.scenes().get(s).label())) {
                c2 = Gid.LABELS.decode(r, all);
            }
            try (RasterReader r = RasterReader.open(out.resolve("change/scene_00" + s + ".tif"))) {
                change = r.readWindowInts(all);
            }
            for (int i = 0; i < c1.length; i++) {
                int truth = c1[i] == Gid.FARMLAND && c2[i] != Gid.FARMLAND ? 1 : 0;
                assertThat(change[i]).isEqualTo(truth);
                changed += truth;
                counted[c1[i]]++;
            }
        }
        assertThat(changed).isPositive().isEqualTo(sum.changedPixels());
        assertThat(counted).containsExactly(sum.classPixels1());

        // A Hi-CNA tile is the window of the scene, its mask is farmland of the GID label.
        Scene tile = hicna.scenes().stream().filter(x -> x.name().equals("t1/scene_001_128_0"))
                .findFirst().orElseThrow();
        Window w = new Window(128, 0, 128, 128);
        try (RasterReader scene = RasterReader.open(gid.scenes().get(1).image());
                RasterReader img = RasterReader.open(tile.image());
                RasterReader lab = RasterReader.open(gid.scenes().get(1).label());
                RasterReader mask = RasterReader.open(tile.label())) {
            assertThat(img.readWindow(Window.full(128, 128))).containsExactly(scene.readWindow(w));
            int[] cls = Gid.LABELS.decode(lab, w);
            int[] m = HiCna.LABELS.decode(mask, Window.full(128, 128));
            for (int i = 0; i < m.length; i++) {
                assertThat(m[i]).isEqualTo(cls[i] == Gid.FARMLAND ? 1 : 0);
            }
            double[] sceneOrigin = scene.info().geo().geoTransform().orElseThrow();
            double[] tileOrigin = img.info().geo().geoTransform().orElseThrow();
            assertThat(tileOrigin[0]).isEqualTo(sceneOrigin[0] + 128 * 0.8);
            assertThat(tileOrigin[3]).isEqualTo(sceneOrigin[3]);
        }
    }

    /**
     * What frequency attention needs: class means overlap, textures differ. Measured on the
     * rendered reflectance of three 512 x 512 scenes, pixels inside a class region only.
     */
    @Test
    void classesDifferByTextureMoreThanByMeanColour() {
        int size = 512;
        double[] sum = new double[6];
        double[] sq = new double[6];
        double[] lap = new double[6];
        long[] cnt = new long[6];
        int band = 3; // near infrared
        for (int scene = 0; scene < 3; scene++) {
            SyntheticLandscape land = new SyntheticLandscape(0, scene, size, 0.3);
            int n = size * size;
            int[] c = new int[n];
            float[] b = new float[4 * n];
            land.render(Window.full(size, size), false, c, b);
            for (int y = 1; y < size - 1; y++) {
                for (int x = 1; x < size - 1; x++) {
                    int i = y * size + x;
                    int k = c[i];
                    float v = b[band * n + i];
                    if (v == 0 || c[i - 1] != k || c[i + 1] != k || c[i - size] != k
                            || c[i + size] != k) {
                        continue;
                    }
                    sum[k] += v;
                    sq[k] += v * v;
                    cnt[k]++;
                    lap[k] += Math.abs(4 * v - b[band * n + i - 1] - b[band * n + i + 1]
                            - b[band * n + i - size] - b[band * n + i + size]);
                }
            }
        }
        double[] mean = new double[6];
        double[] sd = new double[6];
        double[] energy = new double[6];
        for (int k = 0; k < 6; k++) {
            assertThat(cnt[k]).as(Gid.CLASS_NAMES.get(k)).isGreaterThan(1000);
            mean[k] = sum[k] / cnt[k];
            sd[k] = Math.sqrt(sq[k] / cnt[k] - mean[k] * mean[k]);
            energy[k] = lap[k] / cnt[k];
        }
        int farm = Gid.FARMLAND;
        int meadow = 4;
        assertThat(Math.abs(mean[farm] - mean[meadow])).isLessThan(0.5 * sd[farm]);
        for (int textured : new int[] {1, 2, 3}) {
            for (int smooth : new int[] {4, 5}) {
                assertThat(energy[textured]).as(Gid.CLASS_NAMES.get(textured) + " vs "
                        + Gid.CLASS_NAMES.get(smooth)).isGreaterThan(4 * energy[smooth]);
            }
        }
    }
}
