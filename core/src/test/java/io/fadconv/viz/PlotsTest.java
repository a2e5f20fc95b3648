package io.fadconv.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Charts are written as PNGs; undefined values are left out, axes are padded. */
class PlotsTest {

    @TempDir
    Path tmp;

    @Test
    void pointsAndLinesBecomePngs() throws Exception {
        Path points = tmp.resolve("p.png");
        Plots.points(points, "F1 vs MAdds", "MAdds (G)", "F1 (%)", List.of(
                new Plots.Point("static", 5.97, 88.4), new Plots.Point("fadconv", 5.98, 90.0)));
        BufferedImage img = ImageIO.read(points.toFile());
        assertThat(img.getWidth()).isEqualTo(1000);
        assertThat(img.getHeight()).isEqualTo(640);

        Path lines = tmp.resolve("l.png");
        Plots.lines(lines, "curves", "epoch", "loss", List.of(
                new Plots.Series("a train", new double[] {1, 2, 3}, new double[] {1, 0.8, 0.7}, 0,
                        false),
                new Plots.Series("a val", new double[] {1, 2, 3},
                        new double[] {0.9, Double.NaN, 0.75}, 0, true),
                new Plots.Series("undefined", new double[] {1}, new double[] {Double.NaN}, 1,
                        false)));
        assertThat(ImageIO.read(lines.toFile())).isNotNull();
    }

    @Test
    void axisRangesAndTickPatterns() {
        assertThat(Plots.padded(new double[] {10, 20})).containsExactly(9, 21);
        assertThat(Plots.padded(new double[] {4})).containsExactly(3.5, 4.5);
        assertThat(Plots.padded(new double[] {Double.NaN})).containsExactly(0, 1);
        assertThat(Plots.pattern(new double[] {5.970, 5.985})).isEqualTo("0.0000");
        assertThat(Plots.pattern(new double[] {80, 90})).isEqualTo("0.0");
        assertThat(Plots.pattern(new double[] {0, 100})).isEqualTo("0");
    }
}
