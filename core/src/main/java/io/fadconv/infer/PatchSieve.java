package io.fadconv.infer;

import java.util.Arrays;

/**
 * Removes patches (connected components of non-zero pixels) smaller than a minimum mapping unit
 * from a raster that is seen row by row, top to bottom, twice, without ever holding it: like
 * {@code gdal_sieve}, but streaming.
 *
 * <p>Pass 1 ({@link #scan}) cuts each row into runs of non-zero pixels, numbers them in order and
 * joins each run with the runs of the row above it touches (union-find with path halving), adding
 * up pixel counts at the roots. Pass 2 ({@link #sieve}) is given the same rows again, numbers the
 * runs the same way, and clears the runs whose patch is smaller than the minimum. Memory is 12
 * bytes per run of non-zero pixels (its parent and the patch size) plus two rows of runs: for a
 * change map of a few hundred thousand runs, a few megabytes, whatever the scene size; the worst
 * case, a checkerboard, is 6 bytes per pixel.
 */
public final class PatchSieve {

    /** Which neighbours join a patch. */
    public enum Connectivity {
        /** Edge neighbours only (gdal_sieve's default). */
        FOUR,
        /** Edge and corner neighbours: a diagonal step stays in the patch. */
        EIGHT;

        /**
         * Parses "4" or "8".
         *
         * @param s the text
         * @return the connectivity
         */
        public static Connectivity parse(String s) {
            return switch (s.strip()) {
                case "4" -> FOUR;
                case "8" -> EIGHT;
                default -> throw new IllegalArgumentException("connectivity must be 4 or 8, got '"
                        + s + "'");
            };
        }

        /** @return 4 or 8 */
        public int neighbours() {
            return this == FOUR ? 4 : 8;
        }
    }

    private final int width;
    private final Connectivity connectivity;
    private final int minPixels;
    private int[] parent = new int[1024];
    private long[] size = new long[1024];
    private int runs;
    private boolean scanned;
    private int next;
    private Runs previous;
    private long patches;
    private long smallPatches;
    private long smallPixels;

    /** The runs of one row. */
    private static final class Runs {
        int[] start = new int[16];
        int[] end = new int[16];
        int[] id = new int[16];
        int count;

        void add(int s, int e, int i) {
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                end = Arrays.copyOf(end, count * 2);
                id = Arrays.copyOf(id, count * 2);
            }
            start[count] = s;
            end[count] = e;
            id[count++] = i;
        }
    }

    /**
     * A sieve.
     *
     * @param width row length
     * @param connectivity 4 or 8 neighbours
     * @param minPixels patches with fewer pixels are removed (1 or less removes nothing)
     */
    public PatchSieve(int width, Connectivity connectivity, int minPixels) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        this.width = width;
        this.connectivity = java.util.Objects.requireNonNull(connectivity, "connectivity");
        this.minPixels = minPixels;
    }

    /**
     * Pass 1: one row (rows in order, top to bottom).
     *
     * @param row values, non-zero = in a patch
     * @param offset where the row starts in {@code row}
     */
    public void scan(byte[] row, int offset) {
        if (scanned) {
            throw new IllegalStateException("scan after sieve: make a new PatchSieve");
        }
        Runs cur = runsOf(row, offset, true);
        if (previous != null) {
            join(previous, cur);
        }
        previous = cur;
    }

    /**
     * Pass 2: the same rows again, in the same order; pixels of patches smaller than the minimum
     * are set to 0.
     *
     * @param row values, non-zero = in a patch; changed in place
     * @param offset where the row starts
     * @return pixels cleared in this row
     */
    public int sieve(byte[] row, int offset) {
        if (!scanned) {
            finishScan();
        }
        Runs cur = runsOf(row, offset, false);
        int cleared = 0;
        for (int k = 0; k < cur.count; k++) {
            if (cur.id[k] >= runs) {
                throw new IllegalStateException("pass 2 saw more runs than pass 1: rows differ");
            }
            if (size[find(cur.id[k])] < minPixels) {
                Arrays.fill(row, offset + cur.start[k], offset + cur.end[k], (byte) 0);
                cleared += cur.end[k] - cur.start[k];
            }
        }
        return cleared;
    }

    private void finishScan() {
        scanned = true;
        for (int i = 0; i < runs; i++) {
            if (find(i) == i) {
                patches++;
                if (size[i] < minPixels) {
                    smallPatches++;
                    smallPixels += size[i];
                }
            }
        }
    }

    /** @return patches found by pass 1 */
    public long patches() {
        requireScanned();
        return patches;
    }

    /** @return patches smaller than the minimum (removed by pass 2) */
    public long removedPatches() {
        requireScanned();
        return smallPatches;
    }

    /** @return pixels in patches smaller than the minimum */
    public long removedPixels() {
        requireScanned();
        return smallPixels;
    }

    private void requireScanned() {
        if (!scanned) {
            finishScan();
        }
    }

    private Runs runsOf(byte[] row, int offset, boolean firstPass) {
        Runs r = new Runs();
        int x = 0;
        while (x < width) {
            while (x < width && row[offset + x] == 0) {
                x++;
            }
            if (x == width) {
                break;
            }
            int s = x;
            while (x < width && row[offset + x] != 0) {
                x++;
            }
            r.add(s, x, firstPass ? newRun(x - s) : next++);
        }
        return r;
    }

    private int newRun(int pixels) {
        if (runs == parent.length) {
            if (runs == Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("more than 2^31 runs of change pixels");
            }
            int n = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * runs);
            parent = Arrays.copyOf(parent, n);
            size = Arrays.copyOf(size, n);
        }
        parent[runs] = runs;
        size[runs] = pixels;
        return runs++;
    }

    /** Joins the runs of a row with the runs of the row above that touch them. */
    private void join(Runs above, Runs cur) {
        int reach = connectivity == Connectivity.EIGHT ? 1 : 0;
        int a = 0;
        for (int k = 0; k < cur.count; k++) {
            int s = cur.start[k] - reach;
            int e = cur.end[k] + reach;
            while (a < above.count && above.end[a] <= s) {
                a++;
            }
            for (int j = a; j < above.count && above.start[j] < e; j++) {
                union(above.id[j], cur.id[k]);
            }
        }
    }

    private int find(int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return;
        }
        // The older root stays: ids then only point backwards, which keeps the trees shallow.
        int keep = Math.min(ra, rb);
        int drop = Math.max(ra, rb);
        parent[drop] = keep;
        size[keep] += size[drop];
    }
}
