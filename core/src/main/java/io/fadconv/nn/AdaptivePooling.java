package io.fadconv.nn;

/**
 * Adaptive average pooling in matrix form, with exactly the windows of PyTorch's
 * {@code AdaptiveAvgPool2d}: output cell {@code i} of {@code p} averages input indices
 * {@code floor(i * n / p) .. ceil((i + 1) * n / p) - 1}. This holds when {@code n} is not a
 * multiple of {@code p} (windows of unequal length) and when {@code n < p} (windows repeat).
 *
 * <p>Pooling one axis of length {@code n} to {@code p} is the product with the returned
 * {@code p x n} matrix; a 2-D pool is {@code P_h * X * P_w^T}.
 */
public final class AdaptivePooling {

    private AdaptivePooling() {}

    /**
     * Start index of window {@code i} (inclusive).
     *
     * @param i the output index
     * @param n the input length
     * @param p the output length
     * @return {@code floor(i * n / p)}
     */
    public static int start(int i, int n, int p) {
        return (int) Math.floorDiv((long) i * n, p);
    }

    /**
     * End index of window {@code i} (exclusive).
     *
     * @param i the output index
     * @param n the input length
     * @param p the output length
     * @return {@code ceil((i + 1) * n / p)}
     */
    public static int end(int i, int n, int p) {
        return (int) -Math.floorDiv(-(long) (i + 1) * n, p);
    }

    /**
     * The averaging matrix that pools a length-{@code n} axis to {@code p} cells.
     *
     * @param n the input length
     * @param p the output length
     * @return a p x n matrix whose row i holds 1/len over window i
     */
    public static double[][] matrix(int n, int p) {
        if (n < 1 || p < 1) {
            throw new IllegalArgumentException(
                    "adaptive pooling needs positive sizes, got input " + n + " and output " + p);
        }
        double[][] m = new double[p][n];
        for (int i = 0; i < p; i++) {
            int s = start(i, n, p);
            int e = end(i, n, p);
            double w = 1.0 / (e - s);
            for (int j = s; j < e; j++) {
                m[i][j] = w;
            }
        }
        return m;
    }
}
