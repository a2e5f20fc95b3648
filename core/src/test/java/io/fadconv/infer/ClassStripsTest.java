package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.Window;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strips assembled from cores, with class decisions worked out by hand. */
class ClassStripsTest {

    @Test
    void coresOfARowBecomeOneStripOfArgMaxClasses() throws Exception {
        List<byte[]> strips = new ArrayList<>();
        List<Window> where = new ArrayList<>();
        ClassStrips s = new ClassStrips(4, 3, (w, v) -> {
            where.add(w);
            strips.add(v.clone());
        });
        // Two 2x1 cores side by side, then one 4x1 core below. Logits [class][pixel].
        s.accept(new Window(0, 0, 2, 1), new float[] {1, 0, 2, 0, 0, 5}, null);
        s.accept(new Window(2, 0, 2, 1), new float[] {0, 0, 0, 0, 0, 0}, new boolean[] {true,
            false});
        s.accept(new Window(0, 1, 4, 1), new float[] {0, 1, 2, 3, 3, 2, 1, 0, -1, -1, -1, 9},
                null);
        s.finish();
        assertThat(where).containsExactly(new Window(0, 0, 4, 1), new Window(0, 1, 4, 1));
        // pixel 0: (1, 2, 0) -> 1; pixel 1: (0, 0, 5) -> 2; pixel 2 nodata; pixel 3 tie -> 0
        assertThat(strips.get(0)).containsExactly(1, 2, (byte) 255, 0);
        assertThat(strips.get(1)).containsExactly(1, 1, 0, 2);
    }

    @Test
    void singleLogitsAreCroplandAboveZeroAndNanIsAnError() throws Exception {
        List<byte[]> strips = new ArrayList<>();
        ClassStrips s = new ClassStrips(3, 1, (w, v) -> strips.add(v.clone()));
        s.accept(new Window(0, 0, 3, 1), new float[] {-0.1f, 0, 0.1f}, null);
        s.finish();
        assertThat(strips.get(0)).containsExactly(0, 0, 1);
        ClassStrips t = new ClassStrips(3, 2, (w, v) -> { });
        assertThatThrownBy(() -> t.accept(new Window(0, 5, 3, 1),
                new float[] {0, 0, Float.NaN, 1, 1, 1}, null))
                .hasMessageStartingWith("the model output NaN at pixel (x=2, y=5)");
    }
}
