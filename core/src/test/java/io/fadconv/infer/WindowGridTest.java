package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The window rules, checked pixel by pixel. */
class WindowGridTest {

    @ParameterizedTest(name = "{0}x{1}, window {2}, margin {3}")
    @CsvSource({"300,260,128,32", "1000,37,512,64", "384,384,512,64", "385,100,256,96",
        "1,1,64,0", "2048,2048,512,64"})
    void coresTileTheSceneOnceAndEveryWindowIsOnTheStrideGrid(int w, int h, int window,
            int margin) {
        WindowGrid g = WindowGrid.plan(w, h, new PredictOptions(window, margin, 1), 32);
        int[] hits = new int[w * h];
        for (int i = 0; i < g.count(); i++) {
            WindowGrid.Placement p = g.placement(i);
            assertThat(Math.floorMod(p.x(), 32)).isEqualTo(Math.floorMod(-margin, 32));
            assertThat(Math.floorMod(p.y(), 32)).isEqualTo(Math.floorMod(-margin, 32));
            assertThat(g.windowWidth() % 32).isZero();
            // The core lies inside the window, at least the margin away from its edges.
            assertThat(p.core().x() - p.x()).isEqualTo(margin);
            assertThat(p.core().y() - p.y()).isEqualTo(margin);
            assertThat(p.x() + g.windowWidth() - (p.core().x() + p.core().width()))
                    .isGreaterThanOrEqualTo(margin);
            assertThat(p.y() + g.windowHeight() - (p.core().y() + p.core().height()))
                    .isGreaterThanOrEqualTo(margin);
            for (int y = p.core().y(); y < p.core().y() + p.core().height(); y++) {
                for (int x = p.core().x(); x < p.core().x() + p.core().width(); x++) {
                    hits[y * w + x]++;
                }
            }
            if (i > 0) {
                WindowGrid.Placement q = g.placement(i - 1);
                assertThat(p.core().y() > q.core().y()
                        || p.core().y() == q.core().y() && p.core().x() > q.core().x())
                        .as("raster order").isTrue();
            }
        }
        assertThat(hits).containsOnly(1);
        assertThat(g.windowWidth()).isLessThanOrEqualTo(window);
    }

    @Test
    void smallScenesAreOneWindowOfTheSceneAndItsMarginRoundedUp() {
        WindowGrid g = WindowGrid.plan(300, 260, new PredictOptions(512, 32, 1), 32);
        assertThat(g.count()).isEqualTo(1);
        assertThat(g.windowWidth()).isEqualTo(384);
        assertThat(g.windowHeight()).isEqualTo(352);
        WindowGrid tall = WindowGrid.plan(100, 2000, new PredictOptions(512, 64, 1), 32);
        assertThat(tall.windowWidth()).isEqualTo(256);
        assertThat(tall.windowHeight()).isEqualTo(512);
        assertThat(tall.columns()).isEqualTo(1);
        assertThat(tall.rows()).isEqualTo(6); // ceil(2000 / 384)
    }

    @Test
    void reflectionMirrorsWithoutRepeatingTheEdge() {
        assertThat(WindowGrid.reflect(-1, 5)).isEqualTo(1);
        assertThat(WindowGrid.reflect(-4, 5)).isEqualTo(4);
        assertThat(WindowGrid.reflect(5, 5)).isEqualTo(3);
        assertThat(WindowGrid.reflect(-6, 5)).isEqualTo(2);
        for (int n = 1; n < 9; n++) {
            for (int i = -40; i < 40; i++) {
                assertThat(WindowGrid.reflect(i, n)).as("i=%d n=%d", i, n)
                        .isEqualTo(LogitMaps.mirror(i, n));
            }
        }
    }
}
