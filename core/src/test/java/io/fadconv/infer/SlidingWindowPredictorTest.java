package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.run.RunFolder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window rules of {@link WindowGrid} as {@link SlidingWindowPredictor} applies them, checked
 * against predictions built independently ({@link LogitMaps}: whole scene read at once, mirrored
 * by walking, one window per forward pass).
 */
class SlidingWindowPredictorTest {

    static final int W = 300;
    static final int H = 260;

    @TempDir static Path tmp;
    static Path scene;
    static NDManager manager;
    static RunFolder.Trained plain;
    static RunFolder.Trained fad;

    @BeforeAll
    static void setUp() throws Exception {
        scene = tmp.resolve("scene.tif");
        TestRuns.scene(scene, W, H, 3, false);
        manager = Djl.engine().newBaseManager();
        plain = TestRuns.gid(tmp.resolve("static"), "static").open(manager, 64);
        fad = TestRuns.gid(tmp.resolve("fadconv"), "fadconv:p=8").open(manager, 64);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static LogitMaps.Collector predict(RunFolder.Trained run, PredictOptions o) throws Exception {
        return LogitMaps.predict(SlidingWindowPredictor.of(run, o), scene);
    }

    @Test
    void aSceneThatFitsOneWindowIsPredictedInOnePass() throws Exception {
        for (RunFolder.Trained run : new RunFolder.Trained[] {plain, fad}) {
            PredictOptions o = new PredictOptions(512, 32, 2);
            WindowGrid g = SlidingWindowPredictor.of(run, o).plan(GeoTiffReader.info(scene));
            assertThat(g.count()).isEqualTo(1);
            assertThat(g.windowWidth()).isEqualTo(384); // 300 + 2 x 32 rounded up to 32
            assertThat(g.windowHeight()).isEqualTo(352);
            float[] one = LogitMaps.onePass(run.model(), run.normalization(), scene, 32, manager);
            assertThat(Arrays.equals(predict(run, o).map, one)).as("bitwise equal").isTrue();
        }
    }

    @Test
    void everyCoreIsItsOwnWindowsPredictionAndTheCoresTileTheScene() throws Exception {
        PredictOptions o = new PredictOptions(128, 32, 3);
        WindowGrid g = SlidingWindowPredictor.of(plain, o).plan(GeoTiffReader.info(scene));
        assertThat(g.count()).isEqualTo(25); // ceil(300 / 64) x ceil(260 / 64)
        LogitMaps.Collector c = predict(plain, o);
        assertThat(c.hits).containsOnly(1);
        double scale = LogitMaps.maxAbs(c.map);
        for (int i = 0; i < g.count(); i++) {
            WindowGrid.Placement p = g.placement(i);
            float[] ref = LogitMaps.window(plain.model(), plain.normalization(), scene, p.x(), p.y(),
                    g.windowWidth(), g.windowHeight(), manager);
            float[] core = LogitMaps.crop(ref, g.windowWidth(), g.windowHeight(),
                    p.core().x() - p.x(), p.core().y() - p.y(), p.core().width(),
                    p.core().height());
            float[] got = LogitMaps.crop(c.map, W, H, p.core().x(), p.core().y(),
                    p.core().width(), p.core().height());
            for (int k = 0; k < got.length; k++) {
                assertThat((double) got[k]).as("window %d value %d", i, k)
                        .isCloseTo(core[k], org.assertj.core.data.Offset.offset(1e-5 * scale));
            }
        }
    }

    @Test
    void outputsDoNotDependOnTheOtherWindowsOfABatch() throws Exception {
        for (RunFolder.Trained run : new RunFolder.Trained[] {plain, fad}) {
            float[] one = predict(run, new PredictOptions(128, 32, 1)).map;
            float[] five = predict(run, new PredictOptions(128, 32, 5)).map;
            assertThat(LogitMaps.maxDiff(one, five, 6, W, H, 0))
                    .isLessThan(1e-5 * LogitMaps.maxAbs(one));
        }
    }

    /**
     * Measured: with FADConv (random weights; the expert attention sees the whole window) the
     * largest logit difference to the one-pass prediction, over the whole scene, falls from 2.5
     * (margin 0) to 0.08 (64) and 0.012 (96), logits spanning +-3.3, and windows of 256 and 320
     * agree on more than 99.9% of pixels at margin 96.
     */
    @Test
    void twoWindowSizesAgreeAndTheAgreementGrowsWithTheMargin() throws Exception {
        double[] diff = new double[3];
        int[] margins = {0, 64, 96};
        for (int i = 0; i < margins.length; i++) {
            float[] one = LogitMaps.onePass(fad.model(), fad.normalization(), scene, margins[i],
                    manager);
            float[] win = predict(fad, new PredictOptions(256, margins[i], 4)).map;
            diff[i] = LogitMaps.maxDiff(win, one, 6, W, H, 0);
        }
        assertThat(diff[0]).isGreaterThan(4 * diff[1]);
        assertThat(diff[1]).isGreaterThan(2 * diff[2]);
        float[] a = predict(fad, new PredictOptions(256, 96, 4)).map;
        float[] b = predict(fad, new PredictOptions(320, 96, 4)).map;
        double scale = LogitMaps.maxAbs(a);
        assertThat(LogitMaps.maxDiff(a, b, 6, W, H, 0)).isLessThan(0.01 * scale);
        assertThat(LogitMaps.classAgreement(a, b, 6, W, H)).isGreaterThan(0.999);
    }

    @Test
    void aSceneWithTooFewBandsIsAnErrorNamingFileAndBands() throws Exception {
        Path rgb = tmp.resolve("rgb.tif");
        float[] px = new float[3 * 64 * 64];
        Arrays.fill(px, 100);
        GeoTiffWriter.write(rgb, RasterSpec.of(64, 64, 3, SampleType.UINT8), px);
        try (var r = io.fadconv.data.raster.RasterReader.open(rgb)) {
            assertThatThrownBy(() -> SlidingWindowPredictor.of(plain, PredictOptions.defaults())
                    .predict(r, (core, l, n) -> { }, ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(rgb + ": has 3 band(s) but the run reads bands [0, 1, 2, 3] "
                            + "(0-based, from its normalization.json), so it needs at least 4");
        }
    }

    @Test
    void windowAndMarginMustBeMultiplesOfTheModelStride() {
        SlidingWindowPredictor p = SlidingWindowPredictor.of(plain, new PredictOptions(500, 64, 1));
        assertThatThrownBy(() -> p.plan(GeoTiffReader.info(scene)))
                .hasMessageContaining("window size 500 is not a multiple of 32")
                .hasMessageContaining("use e.g. 512");
        SlidingWindowPredictor q = SlidingWindowPredictor.of(plain, new PredictOptions(512, 40, 1));
        assertThatThrownBy(() -> q.plan(GeoTiffReader.info(scene)))
                .hasMessageContaining("margin 40 is not a multiple of 32");
    }
}
