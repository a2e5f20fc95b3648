package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelCodecTest {

    @TempDir Path tmp;

    @Test
    void gidColoursDecodeToTheirClassIds() throws IOException {
        Path f = tmp.resolve("l.tif");
        int[] classes = Fixtures.pattern(20 * 10, 6);
        Fixtures.gidLabel(f, 20, 10, classes);
        try (RasterReader r = RasterReader.open(f)) {
            assertThat(Gid.LABELS.decode(r, Window.full(20, 10))).containsExactly(classes);
            Window w = new Window(3, 4, 5, 2);
            int[] sub = Gid.LABELS.decode(r, w);
            assertThat(sub[0]).isEqualTo(classes[4 * 20 + 3]);
            assertThat(sub[9]).isEqualTo(classes[5 * 20 + 7]);
        }
    }

    @Test
    void paletteTiffDecodesThroughItsColourTable() throws IOException {
        Path f = tmp.resolve("p.tif");
        // indices 0..2 coloured as GID water, farmland, built-up
        GeoTiffWriter.write(f, RasterSpec.of(3, 1, 1, SampleType.UINT8)
                .withColorMap(ColorMap.of(0x0000FF, 0x00FF00, 0xFF0000)), new byte[] {0, 1, 2});
        try (RasterReader r = RasterReader.open(f)) {
            assertThat(Gid.LABELS.decode(r, Window.full(3, 1))).containsExactly(5, 2, 1);
        }
    }

    @Test
    void unknownColourNamesFilePixelAndColour() throws IOException {
        Path f = tmp.resolve("bad.tif");
        int n = 8 * 4;
        byte[] rgb = new byte[3 * n];
        int at = 2 * 8 + 5; // x=5, y=2
        rgb[at] = (byte) 12;
        rgb[n + at] = (byte) 34;
        rgb[2 * n + at] = (byte) 56;
        GeoTiffWriter.write(f, RasterSpec.of(8, 4, 3, SampleType.UINT8).withRgb(), rgb);
        try (RasterReader r = RasterReader.open(f)) {
            assertThatThrownBy(() -> Gid.LABELS.decode(r, Window.full(8, 4)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(f + ": pixel (x=5, y=2) has colour (12, 34, 56), which is not in "
                            + "the palette; allowed: (0,0,0) unlabeled 0, (255,0,0) built-up 1, "
                            + "(0,255,0) farmland 2, (0,255,255) forest 3, (255,255,0) meadow 4, "
                            + "(0,0,255) water 5");
        }
    }

    @Test
    void binaryMasksAccept01And0255AndRefuseOtherValues() throws IOException {
        Path a = tmp.resolve("a.tif");
        Path b = tmp.resolve("b.tif");
        Path c = tmp.resolve("c.tif");
        Fixtures.mask(a, 4, 1, new int[] {0, 1, 1, 0});
        Fixtures.mask(b, 4, 1, new int[] {0, 255, 255, 0});
        Fixtures.mask(c, 4, 1, new int[] {0, 1, 7, 0});
        for (Path p : new Path[] {a, b}) {
            try (RasterReader r = RasterReader.open(p)) {
                assertThat(HiCna.LABELS.decode(r, Window.full(4, 1))).containsExactly(0, 1, 1, 0);
            }
        }
        try (RasterReader r = RasterReader.open(c)) {
            assertThatThrownBy(() -> HiCna.LABELS.decode(r, Window.full(4, 1)))
                    .hasMessage(c + ": pixel (x=2, y=0) has value 7; binary masks hold 0 "
                            + "(non-cropland) and 1 or 255 (cropland)");
        }
        Path rgb = tmp.resolve("rgb.tif");
        Fixtures.gidLabel(rgb, 4, 1, new int[4]);
        try (RasterReader r = RasterReader.open(rgb)) {
            assertThatThrownBy(() -> HiCna.LABELS.decode(r, Window.full(4, 1)))
                    .hasMessage(rgb + ": has 3 bands; binary mask labels have one band");
        }
    }

    @Test
    void classIdsAreCheckedAgainstTheClassCount() throws IOException {
        Path f = tmp.resolve("ids.tif");
        Fixtures.mask(f, 3, 1, new int[] {0, 2, 3});
        LabelCodec ids = LabelCodec.classIds(java.util.List.of("a", "b", "c"));
        try (RasterReader r = RasterReader.open(f)) {
            assertThatThrownBy(() -> ids.decode(r, Window.full(3, 1)))
                    .hasMessage(f + ": pixel (x=2, y=0) has class id 3; allowed: 0..2 (0 a, 1 b, 2 c)");
            assertThat(ids.decode(r, new Window(0, 0, 2, 1))).containsExactly(0, 2);
        }
    }
}
