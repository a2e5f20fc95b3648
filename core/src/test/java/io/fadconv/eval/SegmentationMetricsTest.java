package io.fadconv.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper's metrics (Eqs. 12-18) against confusion matrices worked out by hand. */
class SegmentationMetricsTest {

    private static final double EPS = 1e-12;

    /**
     * Rows are true classes, columns predictions. Class 2 never occurs in the labels but is
     * predicted 5 times.
     * <pre>
     *            pred0 pred1 pred2
     *   truth0     50    10     0
     *   truth1      5    30     5
     *   truth2      0     0     0
     * </pre>
     * N = 100, trace 80.
     * class 0: TP 50, FP 5, FN 10, TN 35: Acc 85/100, P 50/55, R 50/60, F1 100/115, IoU 50/65
     * class 1: TP 30, FP 10, FN 10, TN 50: Acc 80/100, P 30/40, R 30/40, F1 60/80, IoU 30/50
     * class 2: TP 0, FP 5, FN 0, TN 95: Acc 95/100, P 0/5 = 0, R 0/0 undefined, F1 undefined,
     *          IoU 0/5 = 0 (predicted where it does not exist: a real error, counted in mIoU)
     * OA 80/100; mIoU (50/65 + 30/50 + 0) / 3; mean class accuracy (.85+.80+.95)/3.
     */
    private static final long[][] THREE = {{50, 10, 0}, {5, 30, 5}, {0, 0, 0}};

    @Test
    void threeClassesByHand() {
        SegmentationMetrics m = SegmentationMetrics.of(ConfusionMatrix.of(THREE),
                List.of("a", "b", "c"), 0);
        assertThat(m.pixels()).isEqualTo(100);
        assertThat(m.overallAccuracy()).isCloseTo(0.80, within(EPS));
        assertThat(m.meanIoU()).isCloseTo((50.0 / 65 + 30.0 / 50 + 0) / 3, within(EPS));
        assertThat(m.meanClassAccuracy()).isCloseTo((0.85 + 0.80 + 0.95) / 3, within(EPS));
        // Eq. 17 read literally is 1 - 2 (1 - OA) / k, not the OA of the tables.
        assertThat(m.meanClassAccuracy()).isCloseTo(1 - 2 * (1 - 0.8) / 3, within(EPS));

        ClassMetrics c0 = m.classes().get(0);
        assertThat(new long[] {c0.truePositives(), c0.falsePositives(), c0.falseNegatives(),
            c0.trueNegatives()}).containsExactly(50, 5, 10, 35);
        assertThat(c0.accuracy()).isCloseTo(0.85, within(EPS));
        assertThat(c0.precision()).isCloseTo(50.0 / 55, within(EPS));
        assertThat(c0.recall()).isCloseTo(50.0 / 60, within(EPS));
        assertThat(c0.f1()).isCloseTo(100.0 / 115, within(EPS));
        // Eq. 15 as the paper writes it, from P and R.
        assertThat(c0.f1()).isCloseTo(2 / (55.0 / 50 + 60.0 / 50), within(EPS));
        assertThat(c0.iou()).isCloseTo(50.0 / 65, within(EPS));

        ClassMetrics c1 = m.classes().get(1);
        assertThat(new long[] {c1.truePositives(), c1.falsePositives(), c1.falseNegatives(),
            c1.trueNegatives()}).containsExactly(30, 10, 10, 50);
        assertThat(c1.accuracy()).isCloseTo(0.80, within(EPS));
        assertThat(c1.precision()).isCloseTo(0.75, within(EPS));
        assertThat(c1.recall()).isCloseTo(0.75, within(EPS));
        assertThat(c1.f1()).isCloseTo(0.75, within(EPS));
        assertThat(c1.iou()).isCloseTo(0.6, within(EPS));

        ClassMetrics c2 = m.classes().get(2);
        assertThat(c2.accuracy()).isCloseTo(0.95, within(EPS));
        assertThat(c2.precision()).isEqualTo(0.0);
        assertThat(c2.recall()).isNaN();
        assertThat(c2.f1()).isNaN();
        assertThat(c2.iou()).isEqualTo(0.0);
    }

    @Test
    void classAbsentFromLabelsAndPredictionsHasNoIouAndIsLeftOutOfMiou() {
        long[][] c = {{40, 10, 0}, {10, 40, 0}, {0, 0, 0}};
        SegmentationMetrics m = SegmentationMetrics.of(ConfusionMatrix.of(c),
                List.of("a", "b", "c"), 1);
        ClassMetrics c2 = m.classes().get(2);
        assertThat(c2.precision()).isNaN();
        assertThat(c2.recall()).isNaN();
        assertThat(c2.f1()).isNaN();
        assertThat(c2.iou()).isNaN();
        assertThat(c2.accuracy()).isEqualTo(1.0); // TN = N
        assertThat(m.meanIoU()).isCloseTo((40.0 / 60 + 40.0 / 60) / 2, within(EPS));
        assertThat(m.targetClass().iou()).isCloseTo(40.0 / 60, within(EPS));
    }

    @Test
    void classNeverPredictedHasNoPrecisionButZeroRecallAndIou() {
        // binary: truth 1 present (20 px) but always predicted 0
        long[][] c = {{80, 0}, {20, 0}};
        SegmentationMetrics m = SegmentationMetrics.of(ConfusionMatrix.of(c),
                List.of("non-cropland", "cropland"), 1);
        ClassMetrics t = m.targetClass();
        assertThat(t.precision()).isNaN();
        assertThat(t.recall()).isEqualTo(0.0);
        assertThat(t.f1()).isNaN();
        assertThat(t.iou()).isEqualTo(0.0);
        assertThat(t.accuracy()).isCloseTo(0.8, within(EPS));
        assertThat(m.overallAccuracy()).isCloseTo(0.8, within(EPS));
        assertThat(MetricsFormat.cells(m, 1)).containsExactly("80.0", "80.0", "-", "0.0", "-",
                "0.0");
    }

    @Test
    void wrongPredictionsEverywhereGiveZeroF1NotUndefined() {
        long[][] c = {{0, 10}, {10, 0}};
        ClassMetrics t = SegmentationMetrics.of(ConfusionMatrix.of(c), List.of("a", "b"), 1)
                .targetClass();
        assertThat(t.precision()).isEqualTo(0.0);
        assertThat(t.recall()).isEqualTo(0.0);
        assertThat(t.f1()).isEqualTo(0.0); // 2 / (1/0 + 1/0) = 0
    }

    @Test
    void countsOfAWholeSplitNotMeansOfBatches() {
        // batch A: 1 pixel of class 1, correct. batch B: 99 pixels of class 1, 9 correct.
        ConfusionMatrix a = ConfusionMatrix.of(new long[][] {{0, 0}, {0, 1}});
        ConfusionMatrix b = ConfusionMatrix.of(new long[][] {{0, 0}, {90, 9}});
        ConfusionMatrix all = new ConfusionMatrix(2);
        all.add(a);
        all.add(b);
        double iou = SegmentationMetrics.of(all, List.of("x", "y"), 1).targetClass().iou();
        assertThat(iou).isCloseTo(10.0 / 100, within(EPS)); // mean of batches would be 0.55
        assertThat(all.total()).isEqualTo(100);
        assertThat(all.correct()).isEqualTo(10);
    }

    @Test
    void predictionsFromLogits() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            // B=1, K=3, H=1, W=4: argmax per pixel = 2, 0, 1, 0 (tie 0 vs 1 -> lowest id)
            NDArray logits = m.create(new float[] {
                0, 5, 1, 3,
                1, 2, 4, 3,
                7, 1, 2, 0}, new Shape(1, 3, 1, 4));
            NDArray labels = m.create(new long[] {2, 0, 0, 1}, new Shape(1, 1, 4));
            assertThat(Predictions.classes(logits, false).toIntArray())
                    .containsExactly(2, 0, 1, 0);
            ConfusionMatrix cm = new ConfusionMatrix(3);
            Predictions.accumulate(cm, logits, labels, false);
            assertThat(cm.counts()).isEqualTo(new long[][] {{1, 1, 0}, {1, 0, 0}, {0, 0, 1}});

            NDArray binary = m.create(new float[] {-1, 0, 1e-6f, 3}, new Shape(1, 1, 1, 4));
            assertThat(Predictions.classes(binary, true).toIntArray()).containsExactly(0, 0, 1, 1);
            assertThatThrownBy(() -> Predictions.classes(logits, true))
                    .hasMessageContaining("[B, 1, H, W]");
        }
    }

    @Test
    void paperFormatAndJsonRoundTrip() {
        SegmentationMetrics m = SegmentationMetrics.of(ConfusionMatrix.of(THREE),
                List.of("a", "b", "c"), 0);
        assertThat(MetricsFormat.cells(m, 1)).containsExactly("80.0", "85.0", "90.9", "83.3",
                "87.0", "76.9");
        String row = MetricsFormat.paperRow("static", m);
        assertThat(row).contains("OA").contains("IoU").contains("static").contains("76.9");
        assertThat(MetricsFormat.perClass(m)).contains("a *").contains("-");
        SegmentationMetrics back = MetricsFormat.fromJson(MetricsFormat.toJson(m));
        assertThat(back.overallAccuracy()).isEqualTo(m.overallAccuracy());
        assertThat(back.classes().get(2).recall()).isNaN();
        assertThat(back.classes()).isEqualTo(m.classes());
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> ConfusionMatrix.of(new long[][] {{1, 2}, {3}}))
                .hasMessageContaining("square");
        ConfusionMatrix cm = new ConfusionMatrix(2);
        assertThatThrownBy(() -> cm.add(new long[] {0, 2}, new int[] {0, 0}))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> SegmentationMetrics.of(cm, List.of("a"), 0))
                .hasMessageContaining("class names");
    }
}
