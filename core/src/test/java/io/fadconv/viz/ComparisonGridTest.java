package io.fadconv.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.Gid;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.PredictOptions;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneMapper;
import io.fadconv.infer.TestRuns;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figure 4: the grid's panels are the labels and each run's predictions. */
class ComparisonGridTest {

    @TempDir Path tmp;

    @Test
    void gridPanelsShowLabelsAndEachRunsPrediction() throws Exception {
        Path data = tmp.resolve("synth");
        SyntheticDataset.generate(data, SyntheticConfig.demo(8).withTile(64).withScenes(2, 128)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID)), false, 1, s -> { });
        List<Path> images = List.of(data.resolve("gid/image/scene_000.tif"),
                data.resolve("gid/image/scene_001.tif"));
        Path a = TestRuns.gid(tmp.resolve("runs/static"), "static").dir();
        Path b = TestRuns.gid(tmp.resolve("runs/fadconv"), "fadconv:p=8").dir();
        String look = System.getProperty("fadconv.look");
        Path png = (look == null ? tmp : Path.of(look)).resolve("compare.png");
        Files.createDirectories(png.getParent());
        PredictOptions o = new PredictOptions(512, 32, 2);
        ComparisonGrid.figure(List.of(a, b), ComparisonGrid.tiles(images, List.of()), run -> o, 256,
                "Segmentation results (random weights)", png, ProgressListener.NONE);
        BufferedImage im = ImageIO.read(png.toFile());
        int pad = Figures.PAD;
        int top = pad + Figures.lineHeight(Figures.TITLE) + pad
                + Figures.lineHeight(Figures.HEADING) + Figures.lineHeight(Figures.SMALL) + 6;
        int rowH = 256 + Figures.lineHeight(Figures.SMALL) + 2 * pad;
        int colW = (im.getWidth() - 2 * pad) / 4;
        int[] label;
        try (RasterReader r = RasterReader.open(data.resolve("gid/label/scene_001_label.tif"))) {
            label = Gid.LABELS.decode(r, r.info().extent());
        }
        byte[] predicted;
        try (NDManager m = Djl.engine().newBaseManager()) {
            predicted = new SceneMapper(new io.fadconv.run.RunFolder(b).open(m, 64), o)
                    .classes(images.get(1));
        }
        int[] colors = ClassScheme.GID.colors();
        for (int i = 0; i < 128 * 128; i += 61) {
            int x = i % 128;
            int y = i / 128;
            int py = top + rowH + 2 * y + 1; // second row, 128 px shown at 256
            int lx = pad + colW + (colW - 256) / 2 + 2 * x + 1;
            int bx = pad + 3 * colW + (colW - 256) / 2 + 2 * x + 1;
            assertThat(im.getRGB(lx, py) & 0xFFFFFF).as("label (%d, %d)", x, y)
                    .isEqualTo(colors[label[i]]);
            assertThat(im.getRGB(bx, py) & 0xFFFFFF).as("prediction (%d, %d)", x, y)
                    .isEqualTo(colors[predicted[i]]);
        }
    }

    @Test
    void theLegendNamesTheGreyOfPixelsWithoutDataOnlyWhenAPanelShowsThem() {
        Figures.Legend full = ComparisonGrid.legend(ClassScheme.GID,
                List.of(new int[] {0, 1, 2}, new int[] {3, 4, 5}));
        assertThat(full.names()).isEqualTo(ClassScheme.GID.names());
        assertThat(full.colors()).containsExactly(ClassScheme.GID.colors());
        Figures.Legend gaps = ComparisonGrid.legend(ClassScheme.GID,
                List.of(new int[] {0, 1, 2}, new int[] {3, 255, 5}));
        assertThat(gaps.names()).hasSize(7).endsWith("no data");
        assertThat(gaps.colors()[6]).isEqualTo(RgbComposite.NODATA_COLOR);
        assertThat(ClassMapImages.render(new int[] {255}, 1, 1, ClassScheme.GID.colors())
                .getRGB(0, 0) & 0xFFFFFF).as("the colour the panels show")
                .isEqualTo(gaps.colors()[6]);
    }

    @Test
    void scoresAreAccuracyAndCroplandIou() {
        int[] label = {2, 2, 1, 0, 255};
        int[] pred = {2, 1, 2, 0, 2};
        // 4 labelled pixels, 2 right; farmland: intersection 1, union 3
        assertThat(ComparisonGrid.scores(pred, label, ClassScheme.GID))
                .isEqualTo("OA 50.0%, farmland IoU 0.33");
    }

    @Test
    void labelsAreFoundBesideTheImageFolder() throws Exception {
        Path img = tmp.resolve("d/image/t1.tif");
        Files.createDirectories(img.getParent());
        Files.writeString(img, "x");
        assertThatThrownBy(() -> ComparisonGrid.findLabel(img))
                .hasMessageStartingWith("no label found for " + img);
        Path lab = tmp.resolve("d/label/t1_label.tif");
        Files.createDirectories(lab.getParent());
        Files.writeString(lab, "x");
        assertThat(ComparisonGrid.findLabel(img)).isEqualTo(lab.toAbsolutePath());
    }
}
