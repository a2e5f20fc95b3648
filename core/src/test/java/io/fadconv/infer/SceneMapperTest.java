package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.run.RunFolder;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class map files: classes from the predictor's logits, nodata, georeferencing, colours. */
class SceneMapperTest {

    @TempDir Path tmp;

    static int[] read(Path f) throws Exception {
        try (RasterReader r = RasterReader.open(f)) {
            return r.readWindowInts(r.info().extent());
        }
    }

    static boolean[] nodata(Path scene) throws Exception {
        try (RasterReader r = RasterReader.open(scene)) {
            float[] v = r.readWindow(r.info().extent());
            int n = (int) r.info().extent().pixels();
            boolean[] nd = new boolean[n];
            for (int i = 0; i < n; i++) {
                nd[i] = v[i] == 0 && v[n + i] == 0 && v[2 * n + i] == 0 && v[3 * n + i] == 0;
            }
            return nd;
        }
    }

    @Test
    void classMapsAreTheArgMaxOfTheLogitsWithTheScenesGrid() throws Exception {
        Path scene = tmp.resolve("scene.tif");
        TestRuns.scene(scene, 200, 170, 4, false);
        boolean[] nd = nodata(scene);
        int nodataCount = 0;
        for (boolean b : nd) {
            nodataCount += b ? 1 : 0;
        }
        assertThat(nodataCount).as("the landscape has a nodata corner").isPositive();
        try (NDManager m = Djl.engine().newBaseManager()) {
            RunFolder.Trained run = TestRuns.gid(tmp.resolve("run"), "static").open(m, 64);
            PredictOptions o = new PredictOptions(128, 32, 2);
            SceneMapper mapper = new SceneMapper(run, o);
            Path out = tmp.resolve("out/classes.tif");
            long[] progress = new long[2];
            SceneMapper.Result r = mapper.map(scene, out, (done, total, what) -> {
                progress[0] = done;
                progress[1] = total;
            });
            assertThat(progress).containsExactly(12, 12); // ceil(200/64) x ceil(170/64)
            assertThat(r.windows()).isEqualTo(12);
            LogitMaps.Collector logits = LogitMaps.predict(mapper.predictor(), scene);
            int[] map = read(out);
            int n = 200 * 170;
            long[] counts = new long[6];
            for (int i = 0; i < n; i++) {
                int expected = nd[i] ? 255 : LogitMaps.argmax(logits.map, i, n, 6);
                assertThat(map[i]).as("pixel %d", i).isEqualTo(expected);
                if (!nd[i]) {
                    counts[expected]++;
                }
            }
            assertThat(r.classPixels()).containsExactly(counts);
            assertThat(r.nodataPixels()).isEqualTo(nodataCount);
            RasterInfo info = GeoTiffReader.info(out);
            assertThat(info.geo()).isEqualTo(GeoTiffReader.info(scene).geo());
            assertThat(info.colorMap()).isEqualTo(ColorMap.of(ClassScheme.GID.colors()));
            assertThat(info.nodata()).hasValue(255);
            byte[] inMemory = mapper.classes(scene);
            for (int i = 0; i < n; i++) {
                assertThat(inMemory[i] & 0xFF).isEqualTo(map[i]);
            }
        }
    }

    @Test
    void singleLogitRunsMapCroplandWhereTheLogitIsPositive() throws Exception {
        Path scene = tmp.resolve("scene.tif");
        TestRuns.scene(scene, 96, 80, 2, false);
        try (NDManager m = Djl.engine().newBaseManager()) {
            RunFolder.Trained run = TestRuns.write(tmp.resolve("bin"), "static", ClassScheme.HICNA,
                    true, 3).open(m, 64);
            assertThat(run.info().binaryLogit()).isTrue();
            SceneMapper mapper = new SceneMapper(run, new PredictOptions(64, 0, 4));
            LogitMaps.Collector logits = LogitMaps.predict(mapper.predictor(), scene);
            assertThat(logits.channels).isEqualTo(1);
            byte[] map = mapper.classes(scene);
            boolean[] nd = nodata(scene);
            int ones = 0;
            for (int i = 0; i < map.length; i++) {
                int expected = nd[i] ? 255 : logits.map[i] > 0 ? 1 : 0;
                assertThat(map[i] & 0xFF).isEqualTo(expected);
                ones += expected == 1 ? 1 : 0;
            }
            assertThat(ones).as("both classes occur").isBetween(1, map.length - 1);
        }
    }

    @Test
    void cnaFromScenesPredictsBothDatesAndDetectsOnTheirMaps() throws Exception {
        Path a = tmp.resolve("t1.tif");
        Path b = tmp.resolve("t2.tif");
        TestRuns.scene(a, 128, 96, 6, false);
        TestRuns.scene(b, 128, 96, 6, true);
        try (NDManager m = Djl.engine().newBaseManager()) {
            RunFolder.Trained run = TestRuns.gid(tmp.resolve("run"), "static").open(m, 64);
            SceneMapper mapper = new SceneMapper(run, new PredictOptions(128, 32, 2));
            CnaFiles out = new CnaFiles(tmp.resolve("cna"));
            AreaStatistics s;
            try (RasterReader t1 = RasterReader.open(a); RasterReader t2 = RasterReader.open(b)) {
                s = new CnaDetector(run.info().classes(), CnaOptions.defaults())
                        .detectScenes(mapper, t1, t2, Optional.empty(), out,
                                java.util.Map.of("run", "r"), ProgressListener.NONE);
            }
            AreaStatistics direct = new CnaDetector(run.info().classes(), CnaOptions.defaults())
                    .detect(out.beforeClasses(), out.afterClasses(), Optional.empty(),
                            tmp.resolve("again.tif"), java.util.Map.of(), ProgressListener.NONE);
            assertThat(s.pixels()).containsExactly(direct.pixels());
            assertThat(read(out.beforeClasses())).containsExactly(toInts(mapper.classes(a)));
            assertThat(out.change()).exists();
            assertThat(out.statisticsJson()).as("saved by the caller, once").doesNotExist();
            assertThat(s.inputs()).containsEntry("beforeScene", a.toString()).containsEntry("run", "r");
        }
    }

    static int[] toInts(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xFF;
        }
        return v;
    }
}
