package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.fadconv.Djl;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Single runs of a geometry's formulations and of a static convolution of it, for benchmarks. */
class FormulationRunsTest {

    private static final Shape ONE = new Shape(1, 1);

    @Test
    void everyCandidateAndAStaticConvolutionRunInTheProblemsModeAndTheCallersIsKept() {
        Djl.engine();
        // grouped per sample: the static convolution takes [O, C / groups, kh, kw] with 2 groups
        for (boolean training : new boolean[] {true, false}) {
            ConvProblem p = new ConvProblem(new Shape(4, 32, 8, 8), new Shape(32, 16, 3, 3),
                    ONE, ONE, ONE, 2, 4, training);
            try (FormulationRuns runs = FormulationRuns.of(p)) {
                assertThat(runs.candidates()).containsExactlyElementsOf(Arrays.stream(
                        DynamicConv2d.Strategy.values()).filter(s -> ConvTuner.isCandidate(s, p))
                        .toList());
                assertThat(runs.candidates()).as("grouped always applies")
                        .contains(DynamicConv2d.Strategy.GROUPED);
                assertThat(runs.staticMs()).isPositive().isFinite();
                for (DynamicConv2d.Strategy s : runs.candidates()) {
                    assertThat(runs.strategyMs(s)).as("%s", s).isPositive().isFinite();
                }
            }
            assertThat(JniUtils.isGradMode()).as("the caller's gradient mode").isFalse();
        }
    }
}
