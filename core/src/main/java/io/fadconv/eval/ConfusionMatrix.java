package io.fadconv.eval;

import java.util.Arrays;

/**
 * Pixel counts by (true class, predicted class), accumulated over a whole split: every metric of
 * the paper (Eqs. 12-18) is computed once from the totals, never averaged over batches or tiles.
 * Counts are {@code long}: a GID test split holds about 1.4e9 pixels.
 */
public final class ConfusionMatrix {

    private final long[][] counts;

    /**
     * An empty matrix.
     *
     * @param classes the number of classes, {@code >= 1}
     */
    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a confusion matrix needs >= 1 class, got "
                    + classes);
        }
        counts = new long[classes][classes];
    }

    /**
     * A matrix with the given counts.
     *
     * @param counts {@code counts[truth][predicted]}, square, non-negative
     * @return the matrix (a copy)
     */
    public static ConfusionMatrix of(long[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int t = 0; t < counts.length; t++) {
            if (counts[t].length != counts.length) {
                throw new IllegalArgumentException("a confusion matrix is square; row " + t
                        + " has " + counts[t].length + " entries, expected " + counts.length);
            }
            for (int p = 0; p < counts.length; p++) {
                if (counts[t][p] < 0) {
                    throw new IllegalArgumentException("negative count at [" + t + "][" + p + "]");
                }
                m.counts[t][p] = counts[t][p];
            }
        }
        return m;
    }

    /** @return the number of classes */
    public int classes() {
        return counts.length;
    }

    /**
     * Adds one pixel.
     *
     * @param truth the true class
     * @param predicted the predicted class
     */
    public void add(int truth, int predicted) {
        counts[check(truth, "true")][check(predicted, "predicted")]++;
    }

    /**
     * Adds pixels pairwise.
     *
     * @param truth true classes
     * @param predicted predicted classes, same length
     */
    public void add(long[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("labels and predictions differ in length: "
                    + truth.length + " vs " + predicted.length);
        }
        int k = counts.length;
        for (int i = 0; i < truth.length; i++) {
            long t = truth[i];
            int p = predicted[i];
            if (t < 0 || t >= k || p < 0 || p >= k) {
                throw new IllegalArgumentException("class out of range 0.." + (k - 1)
                        + " at pixel " + i + ": true " + t + ", predicted " + p);
            }
            counts[(int) t][p]++;
        }
    }

    /**
     * Adds another matrix's counts.
     *
     * @param other a matrix with as many classes
     */
    public void add(ConfusionMatrix other) {
        if (other.classes() != classes()) {
            throw new IllegalArgumentException("cannot add a " + other.classes()
                    + "-class confusion matrix to a " + classes() + "-class one");
        }
        for (int t = 0; t < counts.length; t++) {
            for (int p = 0; p < counts.length; p++) {
                counts[t][p] += other.counts[t][p];
            }
        }
    }

    /**
     * One count.
     *
     * @param truth the true class
     * @param predicted the predicted class
     * @return pixels of class {@code truth} predicted as {@code predicted}
     */
    public long count(int truth, int predicted) {
        return counts[check(truth, "true")][check(predicted, "predicted")];
    }

    /** @return all pixels */
    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /** @return correctly classified pixels (the trace) */
    public long correct() {
        long n = 0;
        for (int k = 0; k < counts.length; k++) {
            n += counts[k][k];
        }
        return n;
    }

    /**
     * @param k a class
     * @return pixels of class k predicted as k
     */
    public long truePositives(int k) {
        return count(k, k);
    }

    /**
     * @param k a class
     * @return pixels of other classes predicted as k (column sum minus TP)
     */
    public long falsePositives(int k) {
        check(k, "");
        long n = 0;
        for (int t = 0; t < counts.length; t++) {
            n += t == k ? 0 : counts[t][k];
        }
        return n;
    }

    /**
     * @param k a class
     * @return pixels of class k predicted as another class (row sum minus TP)
     */
    public long falseNegatives(int k) {
        check(k, "");
        long n = 0;
        for (int p = 0; p < counts.length; p++) {
            n += p == k ? 0 : counts[k][p];
        }
        return n;
    }

    /**
     * @param k a class
     * @return pixels neither of class k nor predicted as k
     */
    public long trueNegatives(int k) {
        return total() - truePositives(k) - falsePositives(k) - falseNegatives(k);
    }

    /** @return {@code counts[truth][predicted]} (a copy) */
    public long[][] counts() {
        long[][] c = new long[counts.length][];
        for (int t = 0; t < c.length; t++) {
            c[t] = counts[t].clone();
        }
        return c;
    }

    private int check(int k, String what) {
        if (k < 0 || k >= counts.length) {
            throw new IllegalArgumentException((what.isEmpty() ? "" : what + " ") + "class " + k
                    + " out of range 0.." + (counts.length - 1));
        }
        return k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts);
    }
}
