package io.fadconv.viz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.CnaDetector;
import io.fadconv.infer.CnaOptions;
import io.fadconv.infer.PatchSieve;
import io.fadconv.infer.ProgressListener;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class map previews and CNA overlays: where the map lies in the figure, its colours, the
 * subsampling of large maps. Set -Dfadconv.look=DIR to keep the PNGs for a person to look at.
 */
class MapImagesTest {

    @TempDir static Path tmp;
    static Path data;

    @BeforeAll
    static void generate() throws Exception {
        data = tmp.resolve("synth");
        SyntheticDataset.generate(data, SyntheticConfig.demo(2).withScenes(1, 384).withTile(128)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID, SyntheticConfig.Part.GID_T2,
                        SyntheticConfig.Part.CHANGE)), false, 1, s -> { });
    }

    static Path out(String name) throws Exception {
        String look = System.getProperty("fadconv.look");
        Path dir = look == null ? tmp.resolve("png") : Path.of(look);
        Files.createDirectories(dir);
        return dir.resolve(name);
    }

    @Test
    void aClassMapPreviewShowsTheMapPixelForPixelBesideALegend() throws Exception {
        int w = 300;
        int h = 200;
        byte[] ids = new byte[w * h];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (byte) ((i % w) / 50);
        }
        ids[0] = (byte) 255;
        Path map = tmp.resolve("classes.tif");
        GeoTiffWriter.write(map, RasterSpec.of(w, h, 1, SampleType.UINT8).withNodata(255), ids);
        Path png = out("preview.png");
        ClassMapImages.preview(map, ClassScheme.GID, "classes.tif - resnet18-unet fadconv", png);
        BufferedImage im = ImageIO.read(png.toFile());
        // 300 px is enlarged to 600 (the minimum preview size is 512), drawn at (12, title + 24).
        int top = Figures.PAD + Figures.lineHeight(Figures.TITLE) + Figures.PAD;
        int[] colors = ClassScheme.GID.colors();
        for (int c = 0; c < 6; c++) {
            int x = Figures.PAD + (c * 50 + 25) * 2;
            assertThat(im.getRGB(x, top + 100) & 0xFFFFFF).as("class %d", c).isEqualTo(colors[c]);
        }
        assertThat(im.getRGB(Figures.PAD, top) & 0xFFFFFF).isEqualTo(RgbComposite.NODATA_COLOR);
        assertThat(im.getWidth()).isGreaterThan(600 + 150);
        assertThat(im.getHeight()).isGreaterThanOrEqualTo(top + 400);
    }

    @Test
    void largeMapsAreSubsampled() throws Exception {
        int w = 5000;
        int h = 100;
        byte[] ids = new byte[w * h];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (byte) (i % w < 2500 ? 2 : 5);
        }
        Path map = tmp.resolve("wide.tif");
        GeoTiffWriter.write(map, RasterSpec.of(w, h, 1, SampleType.UINT8), ids);
        Path png = out("wide.png");
        ClassMapImages.preview(map, ClassScheme.GID, "wide", png);
        BufferedImage im = ImageIO.read(png.toFile());
        int top = Figures.PAD + Figures.lineHeight(Figures.TITLE) + Figures.PAD;
        // factor ceil(5000 / 2048) = 3: 1667 x 34 pixels
        assertThat(im.getRGB(Figures.PAD + 800, top + 10) & 0xFFFFFF).isEqualTo(0x00FF00);
        assertThat(im.getRGB(Figures.PAD + 1666, top + 10) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(im.getRGB(Figures.PAD + 1667, top + 10) & 0xFFFFFF).isNotEqualTo(0x0000FF);
    }

    @Test
    void theCnaOverlayShowsPixelsWithoutDataInTheGreyItsLegendNames() throws Exception {
        int w = 64;
        byte[] t1 = new byte[w * w];
        byte[] t2 = new byte[w * w];
        for (int i = 0; i < t1.length; i++) {
            t1[i] = 2;
            t2[i] = (byte) (i % w < 32 ? 2 : 1);
        }
        for (int i = 0; i < w * 8; i++) {
            t1[i] = (byte) 255;
        }
        RasterSpec spec = RasterSpec.of(w, w, 1, SampleType.UINT8).withNodata(255)
                .withGeo(GeoTiffReader.info(data.resolve("gid/label/scene_000_label.tif")).geo());
        Path a = tmp.resolve("nodata/t1.tif");
        Path b = tmp.resolve("nodata/t2.tif");
        Files.createDirectories(a.getParent());
        GeoTiffWriter.write(a, spec, t1);
        GeoTiffWriter.write(b, spec, t2);
        int top = Figures.PAD + Figures.lineHeight(Figures.TITLE) + Figures.PAD;
        int k = ClassMapImages.enlargement(w, w);
        for (boolean gaps : new boolean[] {true, false}) {
            Path change = tmp.resolve("nodata/change-" + gaps + ".tif");
            AreaStatistics s = new CnaDetector(ClassScheme.GID, CnaOptions.defaults())
                    .detect(gaps ? a : b, b, Optional.empty(), change, Map.of(),
                            ProgressListener.NONE);
            Path png = out("cna_nodata_" + gaps + ".png");
            Overlays.cna(change, s, null, null, "no data", png);
            BufferedImage im = ImageIO.read(png.toFile());
            int grey = RgbComposite.NODATA_COLOR;
            assertThat(im.getRGB(Figures.PAD + 3 * k, top + 3 * k) & 0xFFFFFF)
                    .as("a pixel without data, gaps %s", gaps).isEqualTo(gaps ? grey
                            : Overlays.blend(0x505050, s.codes().colors()[ChangeCodes.STABLE],
                                    Overlays.STABLE_ALPHA));
            assertThat(swatch(im, Figures.PAD + w * k, grey)).as("a grey legend swatch, gaps %s",
                    gaps).isEqualTo(gaps);
        }
    }

    /** Whether a solid square of the colour, most of a legend swatch, lies right of x0. */
    private static boolean swatch(BufferedImage im, int x0, int color) {
        int n = Figures.SWATCH - 4;
        for (int y = 0; y + n <= im.getHeight(); y++) {
            for (int x = x0; x + n <= im.getWidth(); x++) {
                if (solid(im, x, y, n, color)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean solid(BufferedImage im, int x, int y, int n, int color) {
        for (int dy = 0; dy < n; dy++) {
            for (int dx = 0; dx < n; dx++) {
                if ((im.getRGB(x + dx, y + dy) & 0xFFFFFF) != color) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void theCnaOverlayPaintsLossesOverTheT2Image() throws Exception {
        Path t1 = data.resolve("gid/label/scene_000_label.tif");
        Path t2 = data.resolve("gid-t2/label/scene_000_label.tif");
        Path change = tmp.resolve("cna/change.tif");
        AreaStatistics s = new CnaDetector(ClassScheme.GID, CnaOptions.defaults()
                .withMinPatch(20, PatchSieve.Connectivity.EIGHT))
                .detect(t1, t2, Optional.of(data.resolve("change/scene_000.tif")), change,
                        Map.of(), ProgressListener.NONE);
        Path png = out("cna_overlay.png");
        Path image = data.resolve("gid-t2/image/scene_000.tif");
        Overlays.cna(change, s, image, null, "Cropland loss, scene_000 (true labels)", png);
        BufferedImage im = ImageIO.read(png.toFile());
        BufferedImage base = RgbComposite.read(image, null, 2048);
        int[] codes;
        try (var r = io.fadconv.data.raster.RasterReader.open(change)) {
            codes = r.readWindowInts(r.info().extent());
        }
        int top = Figures.PAD + Figures.lineHeight(Figures.TITLE) + Figures.PAD;
        int k = ClassMapImages.enlargement(384, 384);
        int checked = 0;
        int[] colors = s.codes().colors();
        for (int i = 0; i < codes.length; i += 97) {
            int x = i % 384;
            int y = i / 384;
            int expected = base.getRGB(x, y) & 0xFFFFFF;
            if (s.codes().isLoss(codes[i])) {
                expected = Overlays.blend(expected, colors[codes[i]], Overlays.LOSS_ALPHA);
                checked++;
            } else if (codes[i] == ChangeCodes.STABLE) {
                expected = Overlays.blend(expected, colors[1], Overlays.STABLE_ALPHA);
            }
            assertThat(im.getRGB(Figures.PAD + x * k, top + y * k) & 0xFFFFFF)
                    .as("pixel (%d, %d)", x, y).isEqualTo(expected);
        }
        assertThat(checked).isPositive();
        assertThat(GeoTiffReader.info(change).width()).isEqualTo(384);
    }
}
