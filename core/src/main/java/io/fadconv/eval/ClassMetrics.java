package io.fadconv.eval;

/**
 * The paper's per-class metrics (Eqs. 12-16) of one class, from the pixel counts of a whole split.
 * A ratio whose denominator is zero is {@code NaN} (shown as {@code -}): precision when the class
 * is never predicted, recall when it is absent from the labels, F1 when either is undefined, IoU
 * when the class is absent from both labels and predictions.
 *
 * @param id the class id
 * @param name the class name
 * @param truePositives TP
 * @param falsePositives FP
 * @param falseNegatives FN
 * @param trueNegatives TN
 * @param accuracy Eq. 12, (TP + TN) / (TP + TN + FP + FN)
 * @param precision Eq. 13, TP / (TP + FP)
 * @param recall Eq. 14, TP / (TP + FN)
 * @param f1 Eq. 15, 2 / (1/P + 1/R)
 * @param iou Eq. 16, TP / (TP + FP + FN)
 */
public record ClassMetrics(int id, String name, long truePositives, long falsePositives,
        long falseNegatives, long trueNegatives, double accuracy, double precision, double recall,
        double f1, double iou) {

    /**
     * The metrics of class {@code k}.
     *
     * @param cm the confusion matrix
     * @param k the class
     * @param name its name
     * @return the metrics
     */
    public static ClassMetrics of(ConfusionMatrix cm, int k, String name) {
        return of(k, name, cm.truePositives(k), cm.falsePositives(k), cm.falseNegatives(k),
                cm.trueNegatives(k));
    }

    /**
     * The metrics from the four pixel counts of one class.
     *
     * @param k the class id
     * @param name its name
     * @param tp true positives
     * @param fp false positives
     * @param fn false negatives
     * @param tn true negatives
     * @return the metrics
     */
    public static ClassMetrics of(int k, String name, long tp, long fp, long fn, long tn) {
        double precision = ratio(tp, tp + fp);
        double recall = ratio(tp, tp + fn);
        // Eq. 15 with P and R defined equals 2TP / (2TP + FP + FN), which is exact in doubles
        // and gives 0 (not 0/0) when TP = 0 and both P and R are 0.
        double f1 = Double.isNaN(precision) || Double.isNaN(recall) ? Double.NaN
                : ratio(2 * tp, 2 * tp + fp + fn);
        return new ClassMetrics(k, name, tp, fp, fn, tn, ratio(tp + tn, tp + tn + fp + fn),
                precision, recall, f1, ratio(tp, tp + fp + fn));
    }

    /** @return pixels of this class in the labels, TP + FN */
    public long support() {
        return truePositives + falseNegatives;
    }

    private static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : (double) num / den;
    }
}
