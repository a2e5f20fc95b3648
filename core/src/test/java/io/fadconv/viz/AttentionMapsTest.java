package io.fadconv.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.TestRuns;
import io.fadconv.run.RunFolder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figure 2: the feature maps it reads and the figure itself. */
class AttentionMapsTest {

    @TempDir static Path tmp;
    static NDManager manager;
    static RunFolder.Trained run;
    static Path tile;

    @BeforeAll
    static void setUp() throws Exception {
        manager = Djl.engine().newBaseManager();
        run = TestRuns.gid(tmp.resolve("run"), "fadconv:p=8").open(manager, 64);
        tile = tmp.resolve("tile.tif");
        TestRuns.scene(tile, 128, 128, 9, false);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void inputFeaturesAreTheNormalisedBands() throws Exception {
        AttentionMaps.FeatureMap f = AttentionMaps.features(run, tile, 0);
        try (RasterReader r = RasterReader.open(tile)) {
            assertThat(f.values()).containsExactly(run.normalization().read(r,
                    r.info().extent()));
        }
        assertThat(f.channels()).isEqualTo(4);
    }

    @Test
    void encoderFeaturesAreTheEncodersOutputAndCroppedForOddTiles() throws Exception {
        AttentionMaps.FeatureMap f = AttentionMaps.features(run, tile, 2);
        float[] x;
        try (RasterReader r = RasterReader.open(tile)) {
            x = run.normalization().read(r, r.info().extent());
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray in = sub.create(x, new Shape(1, 4, 128, 128));
            NDArray ref = run.model().encoder().forward(new ParameterStore(sub, false),
                    new NDList(in), false).get(2);
            assertThat(ref.getShape()).isEqualTo(new Shape(1, 16, 32, 32));
            assertThat(f.values()).containsExactly(ref.toFloatArray());
        }
        Path odd = tmp.resolve("odd.tif");
        TestRuns.scene(odd, 100, 70, 9, false);
        AttentionMaps.FeatureMap g = AttentionMaps.features(run, odd, 3);
        assertThat(new int[] {g.channels(), g.height(), g.width()}).containsExactly(32, 9, 13);
    }

    @Test
    void theFigureShowsAUniformGapMapBesideAVaryingFrequencyMap() throws Exception {
        String look = System.getProperty("fadconv.look");
        Path png = (look == null ? tmp : Path.of(look)).resolve("attention.png");
        Files.createDirectories(png.getParent());
        AttentionMaps.figure(run, "tiny-fadconv", tile,
                new AttentionMaps.Options(0, new int[] {2, 3}, 4, 0, 256), png);
        BufferedImage im = ImageIO.read(png.toFile());
        assertThat(im.getWidth()).isGreaterThan(4 * 256);
        // Find the GAP and frequency panels of the first row by their columns.
        int[] gapColors = distinctColorsInRow(im, 2);
        int[] freqColors = distinctColorsInRow(im, 3);
        assertThat(gapColors[0]).as("GAP panel is one colour").isEqualTo(1);
        assertThat(freqColors[0]).as("frequency panel varies").isGreaterThan(20);
        Path pooled = png.resolveSibling("attention_pooled.png");
        AttentionMaps.figure(run, "tiny-fadconv", tile,
                new AttentionMaps.Options(2, new int[] {0}, 4, 16, 128), pooled);
        assertThat(pooled).exists();
    }

    /** Distinct colours along the middle row of panel k of the first figure row. */
    private static int[] distinctColorsInRow(BufferedImage im, int panel) {
        int pad = Figures.PAD;
        int top = pad + Figures.lineHeight(Figures.TITLE) + pad
                + Figures.lineHeight(Figures.HEADING) + Figures.lineHeight(Figures.SMALL) + 6;
        // Locate the panel: scan the middle row for framed regions (grey frame pixels).
        int y = top + 128;
        int colW = (im.getWidth() - 90 - 2 * pad) / 4;
        Set<Integer> colors = new HashSet<>();
        int x0 = pad + panel * colW + (colW - 256) / 2;
        for (int x = x0 + 4; x < x0 + 252; x++) {
            colors.add(im.getRGB(x, y) & 0xFFFFFF);
        }
        return new int[] {colors.size()};
    }

    @Test
    void layersParseByNameOrIndex() {
        assertThat(AttentionMaps.parseLayer("input")).isZero();
        assertThat(AttentionMaps.parseLayer("layer1")).isEqualTo(2);
        assertThat(AttentionMaps.parseLayer("5")).isEqualTo(5);
        assertThatThrownBy(() -> AttentionMaps.parseLayer("layer9"))
                .hasMessageStartingWith("unknown layer 'layer9'");
        assertThatThrownBy(() -> new AttentionMaps.Options(0, new int[] {0}, 4, 2, 256))
                .hasMessageContaining("pool must be 0 (no pooling) or at least n = 4");
    }
}
