package io.fadconv.infer;

/**
 * Agreement of a detected change mask with a true one, over the pixels both cover (pixels
 * without data in the detection are left out and counted in {@code excluded}).
 *
 * @param truePositives changed in both
 * @param falsePositives detected, not true
 * @param falseNegatives true, not detected
 * @param trueNegatives unchanged in both
 * @param excluded pixels left out (no data)
 */
public record ChangeMetrics(long truePositives, long falsePositives, long falseNegatives,
        long trueNegatives, long excluded) {

    /** Validates. */
    public ChangeMetrics {
        if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0 || trueNegatives < 0
                || excluded < 0) {
            throw new IllegalArgumentException("counts must be >= 0");
        }
    }

    /** @return TP / (TP + FP), NaN when nothing was detected */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** @return TP / (TP + FN), NaN when nothing changed */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** @return 2 TP / (2 TP + FP + FN), NaN when neither has change */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /** @return TP / (TP + FP + FN), NaN when neither has change */
    public double iou() {
        return ratio(truePositives, truePositives + falsePositives + falseNegatives);
    }

    /** @return (TP + TN) / all compared pixels */
    public double accuracy() {
        return ratio(truePositives + trueNegatives,
                truePositives + trueNegatives + falsePositives + falseNegatives);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
