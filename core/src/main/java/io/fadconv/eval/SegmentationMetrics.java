package io.fadconv.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of the paper's tables, from one confusion matrix over a whole split:
 * <ul>
 *   <li>OA, overall accuracy: correctly classified pixels over all pixels, {@code sum_i TP_i / N}.
 *       This is what the paper's tables report; its Eq. 17 read literally, with {@code TN_i} in
 *       the numerator, would be the mean of the per-class accuracies, {@code 1 - 2 (1 - OA) / k},
 *       which is 93.6 for the 80.9 of Table 2 (ResNet18 baseline) and above every class's Acc,
 *       unlike the tables ({@link #meanClassAccuracy()} gives that value);</li>
 *   <li>mIoU, Eq. 18: the mean IoU over the classes whose IoU is defined (a class absent from
 *       both labels and predictions has no IoU and is left out, as mmsegmentation's nanmean
 *       does); a class absent from the labels but predicted has IoU 0 and counts;</li>
 *   <li>per class ({@link ClassMetrics}, Eqs. 12-16): Acc, P, R, F1, IoU.</li>
 * </ul>
 *
 * @param overallAccuracy OA
 * @param meanIoU mIoU
 * @param classes per-class metrics by class id
 * @param target the class the paper reports (cropland / farmland)
 * @param pixels pixels counted
 */
public record SegmentationMetrics(double overallAccuracy, double meanIoU,
        List<ClassMetrics> classes, int target, long pixels) {

    /** Validates. */
    public SegmentationMetrics {
        classes = List.copyOf(classes);
        if (target < 0 || target >= classes.size()) {
            throw new IllegalArgumentException("target class " + target + " is not in 0.."
                    + (classes.size() - 1));
        }
    }

    /**
     * Computes every metric.
     *
     * @param cm the confusion matrix of a whole split
     * @param names class names by id (as many as the matrix has classes)
     * @param target the reported class
     * @return the metrics
     */
    public static SegmentationMetrics of(ConfusionMatrix cm, List<String> names, int target) {
        if (names.size() != cm.classes()) {
            throw new IllegalArgumentException(names.size() + " class names for a "
                    + cm.classes() + "-class confusion matrix");
        }
        List<ClassMetrics> per = new ArrayList<>();
        double iouSum = 0;
        int iouCount = 0;
        for (int k = 0; k < cm.classes(); k++) {
            ClassMetrics c = ClassMetrics.of(cm, k, names.get(k));
            per.add(c);
            if (!Double.isNaN(c.iou())) {
                iouSum += c.iou();
                iouCount++;
            }
        }
        long n = cm.total();
        double oa = n == 0 ? Double.NaN : (double) cm.correct() / n;
        return new SegmentationMetrics(oa, iouCount == 0 ? Double.NaN : iouSum / iouCount, per,
                target, n);
    }

    /** @return the metrics of the reported class (cropland) */
    public ClassMetrics targetClass() {
        return classes.get(target);
    }

    /**
     * Eq. 17 read literally: {@code sum_i (TP_i + TN_i) / sum_i (TP_i + TN_i + FP_i + FN_i)}, the
     * mean of the per-class accuracies. Not what the paper's tables call OA (see the class
     * comment); kept to document the difference.
     *
     * @return the mean per-class accuracy
     */
    public double meanClassAccuracy() {
        double s = 0;
        for (ClassMetrics c : classes) {
            s += c.accuracy();
        }
        return s / classes.size();
    }
}
