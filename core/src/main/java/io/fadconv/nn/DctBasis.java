package io.fadconv.nn;

/**
 * The DCT-II basis of the FADConv reference ({@code HierarchicalDCT._init_dct_matrix}):
 * {@code D[x][u] = cos((2x + 1) u pi / (2p)) / p}, used on both axes, so the coefficient
 * {@code F(u, v) = sum_x sum_y f(x, y) D[x][u] D[y][v]} (paper Eq. 6 with the reference's 1/p
 * scale on each axis).
 *
 * <p>FADConv keeps only the top-left {@code n x n} (low) and bottom-right {@code h x h} (high)
 * coefficients, so only the basis columns {@code 0..n-1} and {@code p-h..p-1} are ever needed:
 * {@link #keptFrequencies} lists them and {@link #truncated} returns just those rows.
 */
public final class DctBasis {

    private DctBasis() {}

    /**
     * The full basis, {@code [x][u]} (spatial index first, frequency second), exactly the
     * reference's {@code dct_matrix}.
     *
     * @param p the pool size
     * @return a p x p matrix
     */
    public static double[][] full(int p) {
        double[][] d = new double[p][p];
        for (int x = 0; x < p; x++) {
            for (int u = 0; u < p; u++) {
                d[x][u] = value(p, x, u);
            }
        }
        return d;
    }

    /**
     * One basis value.
     *
     * @param p the pool size
     * @param x the spatial index
     * @param u the frequency index
     * @return {@code cos((2x + 1) u pi / (2p)) / p}
     */
    public static double value(int p, int x, int u) {
        return Math.cos((2.0 * x + 1.0) * u * Math.PI / (2.0 * p)) / p;
    }

    /**
     * The frequency indices FADConv keeps on each axis: {@code 0..low-1} then {@code p-high..p-1}.
     *
     * @param p the pool size
     * @param low the low-frequency block size n
     * @param high the high-frequency block size h (0 for none)
     * @return the indices, low first
     */
    public static int[] keptFrequencies(int p, int low, int high) {
        int[] idx = new int[low + high];
        for (int i = 0; i < low; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < high; i++) {
            idx[low + i] = p - high + i;
        }
        return idx;
    }

    /**
     * The basis rows for the kept frequencies, {@code [m][x]} (frequency first), so that
     * {@code T * f * T^T} gives exactly the kept m x m block of coefficients.
     *
     * @param p the pool size
     * @param frequencies the kept frequency indices
     * @return an m x p matrix
     */
    public static double[][] truncated(int p, int[] frequencies) {
        double[][] t = new double[frequencies.length][p];
        for (int i = 0; i < frequencies.length; i++) {
            for (int x = 0; x < p; x++) {
                t[i][x] = value(p, x, frequencies[i]);
            }
        }
        return t;
    }
}
