package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Multiply-adds by part, per sample, hand-computed for a 64 -> 64 3x3 layer on a 16 x 16 map
 * (the static convolution: 16 * 16 * 64 * 64 * 9 = 9,437,184; one kernel: 36,864 values).
 */
class RivalCostTest {

    private static final Shape IN = new Shape(1, 64, 16, 16);
    private static final ConvGeometry G = ConvGeometry.same(64, 64, 3, 1);
    private static final long CONV = 9_437_184L;

    static Costed create(String spec) {
        return (Costed) Convs.create(ConvSpec.parse(spec), G);
    }

    @Test
    void dyConv() {
        // hidden = int(64 / 4) + 1 = 17; GAP 64 * 256.
        assertThat(create("dyconv").madds(IN)).containsExactlyInAnyOrderEntriesOf(Map.of(
                Costed.CONV, CONV, Costed.AGGREGATION, 4 * 36_864L, Costed.DCT, 16_384L,
                Costed.ATTENTION, 64 * 17 + 17 * 4L));
        assertThat(create("dyconv").paperEq5(IN)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "dct", 0L, "fat", 64 * 17 + 17 * 4L, "dynamic_kernel", 4 * 36_864L));
    }

    @Test
    void odConv() {
        // hidden = max(4, 16) = 16; heads 64 + 64 + 9 + 4; scaling input and output 2 * 64 * 256.
        assertThat(create("odconv").madds(IN)).containsExactlyInAnyOrderEntriesOf(Map.of(
                Costed.CONV, CONV, Costed.AGGREGATION, 5 * 36_864L, Costed.DCT, 16_384L,
                Costed.ATTENTION, 64 * 16 + 16 + 16 * 141L, Costed.OTHER, 32_768L));
        // FODConv, p = 16: Eq. 5's DCT term 2 C P^3.
        assertThat(create("fodconv:p=16").paperEq5(IN).get("dct")).isEqualTo(2L * 64 * 4096);
    }

    @Test
    void kernelWarehouse() {
        // One layer alone, b = 4: cells 64 x 64, L = 9, M = 36; assembling costs M kernels.
        assertThat(create("kw").madds(IN)).containsExactlyInAnyOrderEntriesOf(Map.of(
                Costed.CONV, CONV, Costed.AGGREGATION, 36 * 36_864L, Costed.DCT, 16_384L,
                Costed.ATTENTION, 64 * 16 + 16 + 16 * 9 * 37L + 9 * 37L));
        assertThat(create("kw:b=1").paperEq5(IN).get("dynamic_kernel")).isEqualTo(9 * 36_864L);
    }
}
