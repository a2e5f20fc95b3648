package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.infer.PatchSieve.Connectivity;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The streaming sieve against a flood fill over the whole mask. */
class PatchSieveTest {

    /** Flood-fill labelling of a whole mask; returns the sieved copy and the patch count. */
    record Reference(byte[] sieved, int patches, int removedPatches, long removedPixels) {

        static Reference of(byte[] mask, int w, int h, boolean eight, int min) {
            int[] label = new int[w * h];
            byte[] out = mask.clone();
            int patches = 0;
            int removed = 0;
            long removedPixels = 0;
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            java.util.List<Integer> members = new java.util.ArrayList<>();
            for (int start = 0; start < w * h; start++) {
                if (mask[start] == 0 || label[start] != 0) {
                    continue;
                }
                patches++;
                members.clear();
                label[start] = patches;
                queue.add(start);
                while (!queue.isEmpty()) {
                    int p = queue.poll();
                    members.add(p);
                    int px = p % w;
                    int py = p / w;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            boolean diagonal = dx != 0 && dy != 0;
                            int x = px + dx;
                            int y = py + dy;
                            if ((dx == 0 && dy == 0) || (diagonal && !eight) || x < 0 || y < 0
                                    || x >= w || y >= h) {
                                continue;
                            }
                            int q = y * w + x;
                            if (mask[q] != 0 && label[q] == 0) {
                                label[q] = patches;
                                queue.add(q);
                            }
                        }
                    }
                }
                if (members.size() < min) {
                    removed++;
                    removedPixels += members.size();
                    members.forEach(p -> out[p] = 0);
                }
            }
            return new Reference(out, patches, removed, removedPixels);
        }
    }

    static byte[] sieve(PatchSieve s, byte[] mask, int w, int h) {
        for (int y = 0; y < h; y++) {
            s.scan(mask, y * w);
        }
        byte[] out = mask.clone();
        for (int y = 0; y < h; y++) {
            s.sieve(out, y * w);
        }
        return out;
    }

    @Test
    void diagonalNeighboursJoinOnlyWithEightConnectivity() {
        byte[] mask = {
            1, 0, 0, 0,
            0, 1, 0, 0,
            0, 0, 1, 0,
        };
        PatchSieve four = new PatchSieve(4, Connectivity.FOUR, 2);
        assertThat(sieve(four, mask, 4, 3)).containsOnly(0);
        assertThat(four.patches()).isEqualTo(3);
        assertThat(four.removedPixels()).isEqualTo(3);
        PatchSieve eight = new PatchSieve(4, Connectivity.EIGHT, 2);
        assertThat(sieve(eight, mask, 4, 3)).containsExactly(mask);
        assertThat(eight.patches()).isEqualTo(1);
        assertThat(eight.removedPatches()).isZero();
    }

    @Test
    void aUShapeJoinedOnlyAtTheBottomIsOnePatch() {
        // Two runs in row 0 belong to separate trees until row 2 joins them.
        byte[] mask = {
            1, 0, 0, 1,
            1, 0, 0, 1,
            1, 1, 1, 1,
        };
        PatchSieve s = new PatchSieve(4, Connectivity.FOUR, 8);
        assertThat(sieve(s, mask, 4, 3)).containsExactly(mask);
        assertThat(s.patches()).isEqualTo(1);
        PatchSieve t = new PatchSieve(4, Connectivity.FOUR, 9);
        assertThat(sieve(t, mask, 4, 3)).containsOnly(0);
        assertThat(t.removedPixels()).isEqualTo(8);
    }

    @ParameterizedTest(name = "{0}x{1}, density {2}, min {3}")
    @CsvSource({"1,1,0.5,2", "37,1,0.5,3", "1,29,0.5,3", "40,30,0.3,4", "40,30,0.55,10",
        "64,48,0.6,50", "97,61,0.45,5", "128,128,0.5,25"})
    void matchesAFloodFillOnRandomMasks(int w, int h, double density, int min) {
        Random r = new Random(w * 31L + h);
        for (int trial = 0; trial < 5; trial++) {
            byte[] mask = new byte[w * h];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = (byte) (r.nextDouble() < density ? 1 + r.nextInt(3) : 0);
            }
            for (Connectivity c : Connectivity.values()) {
                Reference ref = Reference.of(mask, w, h, c == Connectivity.EIGHT, min);
                PatchSieve s = new PatchSieve(w, c, min);
                assertThat(sieve(s, mask, w, h)).as("%s trial %d", c, trial)
                        .containsExactly(ref.sieved());
                assertThat(s.patches()).isEqualTo(ref.patches());
                assertThat(s.removedPatches()).isEqualTo(ref.removedPatches());
                assertThat(s.removedPixels()).isEqualTo(ref.removedPixels());
            }
        }
    }

    @Test
    void connectivityParses() {
        assertThat(Connectivity.parse("4")).isEqualTo(Connectivity.FOUR);
        assertThat(Connectivity.parse("8")).isEqualTo(Connectivity.EIGHT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Connectivity.parse("6"))
                .hasMessage("connectivity must be 4 or 8, got '6'");
    }
}
