package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.data.ClassScheme;
import org.junit.jupiter.api.Test;

/** Change codes worked out by hand from the GID and Hi-CNA class lists. */
class ChangeCodesTest {

    @Test
    void gidLossesAreSplitByTheNewClass() {
        ChangeCodes c = new ChangeCodes(ClassScheme.GID); // farmland = 2
        assertThat(c.count()).isEqualTo(7);
        assertThat(c.code(2, 2)).isEqualTo(ChangeCodes.STABLE);
        assertThat(c.code(2, 0)).isEqualTo(2);
        assertThat(c.code(2, 1)).isEqualTo(3);
        assertThat(c.code(2, 3)).isEqualTo(4);
        assertThat(c.code(2, 4)).isEqualTo(5);
        assertThat(c.code(2, 5)).isEqualTo(6);
        for (int before : new int[] {0, 1, 3, 4, 5}) {
            for (int after = 0; after < 6; after++) {
                assertThat(c.code(before, after)).isEqualTo(ChangeCodes.NONE);
            }
        }
        assertThat(c.code(255, 2)).isEqualTo(255);
        assertThat(c.code(2, 255)).isEqualTo(255);
        assertThat(c.names()).containsExactly("no cropland loss", "stable farmland",
                "farmland -> other/unlabeled", "farmland -> built-up", "farmland -> forest",
                "farmland -> meadow", "farmland -> water");
        assertThat(c.colors()).containsExactly(0x000000, 0x9CCC9C, 0xFF00FF, 0xFF0000, 0x00FFFF,
                0xFFFF00, 0x0000FF);
        for (int code = 2; code < 7; code++) {
            assertThat(c.lossCode(c.lossTarget(code))).isEqualTo(code);
        }
    }

    @Test
    void binarySchemesHaveOneLossCode() {
        ChangeCodes c = new ChangeCodes(ClassScheme.HICNA); // cropland = 1
        assertThat(c.count()).isEqualTo(3);
        assertThat(c.code(1, 0)).isEqualTo(2);
        assertThat(c.code(1, 1)).isEqualTo(1);
        assertThat(c.code(0, 1)).isZero();
        assertThat(c.name(2)).isEqualTo("cropland -> non-cropland");
        assertThat(c.isLoss(2)).isTrue();
        assertThat(c.isLoss(3)).isFalse();
    }
}
