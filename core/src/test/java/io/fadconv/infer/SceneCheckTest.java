package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.Normalization;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input checks of predict and cna, read from headers, against hand-written messages. */
class SceneCheckTest {

    @TempDir static Path tmp;
    static Path t1;
    static Path t2;
    static Path rgb;
    static Path plain;
    static final Normalization FOUR = Normalization.identity(0, 1, 2, 3);

    @BeforeAll
    static void scenes() throws Exception {
        t1 = tmp.resolve("t1.tif");
        t2 = tmp.resolve("t2.tif");
        TestRuns.scene(t1, 96, 64, 1, false);
        TestRuns.scene(t2, 96, 64, 1, true);
        rgb = tmp.resolve("rgb.tif");
        GeoTiffWriter.write(rgb, RasterSpec.of(96, 64, 3, SampleType.UINT8)
                .withGeo(TestRuns.GEO), new float[3 * 96 * 64]);
        plain = tmp.resolve("plain.tif");
        GeoTiffWriter.write(plain, RasterSpec.of(96, 64, 4, SampleType.UINT8),
                new float[4 * 96 * 64]);
    }

    @Test
    void aGoodPairGivesThePixelsOfOneDate() throws Exception {
        assertThat(SceneCheck.pair(t1, t2, Optional.of(t2), FOUR, CnaOptions.defaults()))
                .isEqualTo(96L * 64);
        try (var r = SceneCheck.open(t1, FOUR)) {
            assertThat(r.info().bands()).isEqualTo(4);
            assertThat(r.readWindow(new io.fadconv.data.raster.Window(95, 63, 1, 1), 0))
                    .as("open for reading").hasSize(1);
        }
    }

    @Test
    void eachProblemIsNamedWithItsFile() throws Exception {
        assertThatThrownBy(() -> SceneCheck.pair(t1, tmp.resolve("none.tif"), Optional.empty(),
                FOUR, CnaOptions.defaults()))
                .hasMessage("after file " + tmp.resolve("none.tif") + ": no such file");
        assertThatThrownBy(() -> SceneCheck.pair(tmp, t2, Optional.empty(), FOUR,
                CnaOptions.defaults()))
                .hasMessage("before file " + tmp + ": is a folder, not a GeoTIFF");
        Path text = Files.writeString(tmp.resolve("text.tif"), "not an image");
        assertThatThrownBy(() -> SceneCheck.open(text, FOUR))
                .hasMessageStartingWith(text + ": not a TIFF file");
        assertThatThrownBy(() -> SceneCheck.open(rgb, FOUR)).hasMessageContaining("has 3 band");
        assertThatThrownBy(() -> SceneCheck.pair(t1, rgb, Optional.empty(), FOUR,
                CnaOptions.defaults()))
                .hasMessage(rgb + ": has 3 band(s) but the run reads bands [0, 1, 2, 3] (0-based, "
                        + "from its normalization.json), so it needs at least 4");
        assertThatThrownBy(() -> SceneCheck.pair(plain, plain, Optional.empty(), FOUR,
                CnaOptions.defaults())).hasMessageStartingWith(plain + " has no georeferencing");
        assertThat(SceneCheck.pair(plain, plain, Optional.empty(), FOUR,
                CnaOptions.defaults().withPixelSize(2))).as("a given pixel size").isEqualTo(96L * 64);
        assertThatThrownBy(() -> SceneCheck.pair(t1, t2, Optional.of(plain), FOUR,
                CnaOptions.defaults()))
                .hasMessageStartingWith(t1 + " is georeferenced but " + plain + " is not");
    }

    @Test
    void aPairIsHandedBackOpenAfterItsFurtherCheck() throws Exception {
        java.util.List<Path> seen = new java.util.ArrayList<>();
        try (SceneCheck.Pair p = SceneCheck.openPair(t1, t2, Optional.empty(), FOUR,
                CnaOptions.defaults(), scene -> seen.add(scene.file()))) {
            assertThat(seen).containsExactly(t1, t2);
            assertThat(p.pixels()).isEqualTo(96L * 64);
            assertThat(p.after().readWindow(new io.fadconv.data.raster.Window(95, 63, 1, 1), 0))
                    .as("open for reading").hasSize(1);
        }
        assertThatThrownBy(() -> SceneCheck.openPair(t1, t2, Optional.empty(), FOUR,
                CnaOptions.defaults(), scene -> {
                    throw new IllegalArgumentException(scene.file() + ": refused");
                })).hasMessage(t1 + ": refused");
    }
}
