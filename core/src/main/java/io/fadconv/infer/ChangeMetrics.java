package io.fadconv.infer;

import io.fadconv.eval.ClassMetrics;

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

    /**
     * The paper's metrics (Eqs. 12-16) of the change class from these counts, computed by the
     * same code as every other class metric ({@link ClassMetrics}).
     *
     * @return the metrics of class 1, "cropland loss"
     */
    public ClassMetrics asClassMetrics() {
        return ClassMetrics.of(1, "cropland loss", truePositives, falsePositives, falseNegatives,
                trueNegatives);
    }

    /** @return TP / (TP + FP), NaN when nothing was detected */
    public double precision() {
        return asClassMetrics().precision();
    }

    /** @return TP / (TP + FN), NaN when there is no true change */
    public double recall() {
        return asClassMetrics().recall();
    }

    /** @return 2 / (1/P + 1/R), NaN when P or R is undefined */
    public double f1() {
        return asClassMetrics().f1();
    }

    /** @return TP / (TP + FP + FN) */
    public double iou() {
        return asClassMetrics().iou();
    }

    /** @return (TP + TN) / all counted pixels */
    public double accuracy() {
        return asClassMetrics().accuracy();
    }
}
