package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLayoutTest {

    @TempDir Path tmp;

    @Test
    void gidPairsImagesWithLabelsByStemAndTilesDropTheEdges() throws IOException {
        Path root = tmp.resolve("gid");
        Fixtures.image(root.resolve("image_NirRGB/b.tif"), 4, 100, 70, 0);
        Fixtures.image(root.resolve("image_NirRGB/a.tif"), 4, 64, 64, 0);
        Fixtures.gidLabel(root.resolve("label_5classes/a_label.tif"), 64, 64, new int[64 * 64]);
        Fixtures.gidLabel(root.resolve("label_5classes/b_label.tif"), 100, 70, new int[7000]);
        DatasetSource src = Gid.scan(root);
        assertThat(src.scenes()).extracting(Scene::name).containsExactly("a", "b");
        assertThat(src.scenes().get(1).label().getFileName().toString()).isEqualTo("b_label.tif");
        List<Sample> samples = Tiling.grid(32).cut(src);
        // a: 2 x 2 tiles; b: 100x70 -> 3 x 2 tiles, the partial right and bottom strips dropped
        assertThat(samples).hasSize(4 + 6);
        assertThat(samples.get(4).id()).isEqualTo("b@0,0");
        assertThat(samples.get(9).id()).isEqualTo("b@64,32");
        assertThat(samples.get(9).window()).isEqualTo(new Window(64, 32, 32, 32));
        assertThat(Tiling.wholeFiles().cut(DatasetSource.class.cast(
                new DatasetSource("x", root, List.of(src.scenes().get(0)), Gid.LABELS))))
                .extracting(Sample::window).containsExactly(Window.full(64, 64));
    }

    @Test
    void hiCnaReadsPeriodAndPlainLayoutsAndGroupsPeriods() throws IOException {
        Path root = tmp.resolve("hicna");
        for (String p : new String[] {"2016", "2020"}) {
            for (String t : new String[] {"t_1", "t_2"}) {
                Fixtures.image(root.resolve(p + "/image/" + t + ".tif"), 4, 32, 32, 0);
                Fixtures.mask(root.resolve(p + "/label/" + t + ".tif"), 32, 32, new int[1024]);
            }
        }
        assertThat(HiCna.periods(root)).containsExactly("2016", "2020");
        DatasetSource all = HiCna.scan(root);
        assertThat(all.scenes()).extracting(Scene::name)
                .containsExactly("2016/t_1", "2016/t_2", "2020/t_1", "2020/t_2");
        assertThat(all.scenes()).extracting(Scene::group).containsExactly("t_1", "t_2", "t_1", "t_2");
        assertThat(HiCna.scan(root, "2020").scenes()).hasSize(2);
        assertThatThrownBy(() -> HiCna.scan(root, "2018"))
                .hasMessage(root + ": no period folder '2018'; found: [2016, 2020]");

        Path plain = tmp.resolve("plain");
        Fixtures.image(plain.resolve("image/x.tif"), 4, 32, 32, 0);
        Fixtures.mask(plain.resolve("label/x.tif"), 32, 32, new int[1024]);
        assertThat(HiCna.scan(plain).scenes()).extracting(Scene::name).containsExactly("x");

        Path neither = Files.createDirectories(tmp.resolve("neither/foo"));
        assertThatThrownBy(() -> HiCna.scan(neither.getParent()))
                .hasMessageContaining("no Hi-CNA layout: expected <root>/image and <root>/label, or "
                        + "<root>/<period>/image and <root>/<period>/label");
    }

    @Test
    void tileFolderMatchesPngAndTiffByStem() throws IOException {
        Path root = tmp.resolve("tiles");
        Fixtures.pngRgb(root.resolve("images/t1.png"), 16, 16, 3);
        Fixtures.image(root.resolve("images/t2.tif"), 3, 16, 16, 0);
        Fixtures.pngGrey(root.resolve("masks/t1.png"), 16, 16, new int[256]);
        Fixtures.mask(root.resolve("masks/t2.tif"), 16, 16, new int[256]);
        DatasetSource src = TileFolder.scan(root, HiCna.LABELS);
        assertThat(src.scenes()).extracting(Scene::name).containsExactly("t1", "t2");
        assertThat(Tiling.wholeFiles().cut(src)).hasSize(2);
    }

    @Test
    void missingEmptyAndUnmatchedFoldersAreOneLineErrors() throws IOException {
        Path root = tmp.resolve("gid");
        assertThatThrownBy(() -> Gid.scan(root)).hasMessage(root + ": gid dataset folder not found");
        Files.createDirectories(root.resolve("image"));
        Files.createDirectories(root.resolve("label"));
        assertThatThrownBy(() -> Gid.scan(root))
                .hasMessage(root.resolve("image") + ": folder has no .tif, .tiff or .png files");
        Fixtures.image(root.resolve("image/s.tif"), 3, 16, 16, 0);
        Fixtures.gidLabel(root.resolve("label/other.tif"), 16, 16, new int[256]);
        assertThatThrownBy(() -> Gid.scan(root))
                .hasMessage(root.resolve("image/s.tif") + ": no label file for it in "
                        + root.resolve("label") + " (expected s.tif, s_label.tif or .png)");
        Path t = tmp.resolve("t");
        Files.createDirectories(t.resolve("image"));
        assertThatThrownBy(() -> TileFolder.scan(t, HiCna.LABELS))
                .hasMessageContaining("a tile folder needs an image (or images) folder and a label");
    }

    @Test
    void sizeAndBandMismatchesNameTheFile() throws IOException {
        Path root = tmp.resolve("gid");
        Fixtures.image(root.resolve("image/a.tif"), 3, 32, 32, 0);
        Fixtures.gidLabel(root.resolve("label/a.tif"), 32, 30, new int[32 * 30]);
        assertThatThrownBy(() -> Tiling.grid(16).cut(Gid.scan(root)))
                .hasMessage(root.resolve("label/a.tif") + ": label is 32x30 but its image a.tif is "
                        + "32x32");
        Fixtures.gidLabel(root.resolve("label/a.tif"), 32, 32, new int[32 * 32]);
        Fixtures.image(root.resolve("image/b.tif"), 4, 32, 32, 0);
        Fixtures.gidLabel(root.resolve("label/b.tif"), 32, 32, new int[32 * 32]);
        assertThatThrownBy(() -> Tiling.grid(16).cut(Gid.scan(root)))
                .hasMessage(root.resolve("image/b.tif") + ": has 4 bands but a.tif has 3; a "
                        + "dataset's images must have the same bands");
        assertThatThrownBy(() -> Tiling.grid(64).cut(Gid.scan(tmp.resolve("gid"))))
                .hasMessageContaining("smaller than one 64x64 tile");
    }
}
