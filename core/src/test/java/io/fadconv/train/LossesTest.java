package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The losses against their definitions computed in double precision. */
class LossesTest {

    @BeforeAll
    static void engine() {
        Djl.engine();
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheLabel() {
        int b = 2;
        int k = 4;
        int h = 3;
        int w = 5;
        Random rnd = new Random(1);
        float[] x = new float[b * k * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3);
        }
        long[] y = new long[b * h * w];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextInt(k);
        }
        double ref = 0;
        for (int n = 0; n < b; n++) {
            for (int p = 0; p < h * w; p++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, x[(n * k + c) * h * w + p]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(x[(n * k + c) * h * w + p] - max);
                }
                int label = (int) y[n * h * w + p];
                ref -= x[(n * k + label) * h * w + p] - max - Math.log(sum);
            }
        }
        ref /= b * h * w;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(x, new Shape(b, k, h, w));
            NDArray labels = m.create(y, new Shape(b, h, w));
            assertThat(Losses.crossEntropy(logits, labels).getFloat())
                    .isCloseTo((float) ref, within((float) (1e-6 * Math.abs(ref) + 1e-7)));
            assertThat(Loss.CE.compute(logits, labels).getFloat())
                    .isEqualTo(Losses.crossEntropy(logits, labels).getFloat());
        }
    }

    @Test
    void binaryCrossEntropyIsStableForLargeLogits() {
        float[] x = {-40, -3, -0.5f, 0, 0.25f, 2, 35, 90};
        long[] y = {0, 1, 1, 0, 1, 0, 1, 0};
        double ref = 0;
        for (int i = 0; i < x.length; i++) {
            // -[y log s + (1-y) log(1-s)], with log s = -log(1+e^-x), log(1-s) = -x - log(1+e^-x)
            double softplusNeg = Math.log1p(Math.exp(-Math.abs(x[i]))) + Math.max(-x[i], 0);
            double logS = -softplusNeg;
            double log1mS = -x[i] - softplusNeg;
            ref -= y[i] * logS + (1 - y[i]) * log1mS;
        }
        ref /= x.length;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(x, new Shape(2, 1, 1, 4));
            NDArray labels = m.create(y, new Shape(2, 1, 4));
            float got = Losses.binaryCrossEntropyWithLogits(logits, labels).getFloat();
            assertThat(Float.isFinite(got)).isTrue();
            assertThat((double) got).isCloseTo(ref, within(1e-5 * ref));
        }
    }

    @Test
    void shapesAreChecked() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(1, 3, 2, 2));
            assertThatThrownBy(() -> Losses.binaryCrossEntropyWithLogits(logits,
                    m.zeros(new Shape(1, 2, 2)).toType(ai.djl.ndarray.types.DataType.INT64,
                            false))).hasMessageContaining("one logit per pixel");
            assertThatThrownBy(() -> Losses.crossEntropy(logits, m.zeros(new Shape(1, 2, 3))))
                    .hasMessageContaining("same B, H, W");
            assertThatThrownBy(() -> Loss.parse("mse")).hasMessageContaining("ce");
        }
    }
}
