package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import io.fadconv.model.decoder.SeparableConv;
import io.fadconv.nn.AffineFoldable;
import io.fadconv.nn.Annealing;
import io.fadconv.nn.ChannelAffine;
import io.fadconv.nn.ConvContext;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import io.fadconv.nn.TorchInit;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.EngineTest;
import io.fadconv.testing.RefMath;
import io.fadconv.testing.Tensors;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One conv-BN unit folded ({@link ConvBnAct#fold}) against the same unit unfolded in inference
 * mode, for every convolution type and every branch of its fold, at batch 1 and 3, with
 * BatchNorm statistics spread over the range training leaves (variances down to 1e-4, where the
 * epsilon changes the scale by 5 %; negative gammas; means of the outputs' size); a fold worked
 * out by hand; and folds with the mean or the epsilon left out, which the same comparison
 * catches.
 */
class ConvBnActFoldTest extends EngineTest {

    /**
     * Units and inputs covering each fold's branches.
     *
     * @return (name, spec, geometry, input height and width)
     */
    static Stream<Arguments> units() {
        List<Arguments> out = new ArrayList<>();
        ConvGeometry g3 = new ConvGeometry(8, 12, 3, 1, 1, 1, 1, false);
        ConvGeometry strided = new ConvGeometry(8, 12, 3, 2, 2, 2, 1, false);
        ConvGeometry grouped = new ConvGeometry(8, 12, 3, 1, 1, 1, 2, false);
        ConvGeometry depthwise = new ConvGeometry(8, 8, 3, 1, 1, 1, 8, false);
        ConvGeometry pointwise = new ConvGeometry(8, 12, 1, 1, 0, 1, 1, false);
        ConvGeometry biased = new ConvGeometry(8, 12, 3, 1, 1, 1, 1, true);
        for (String t : List.of("static", "fadconv", "dyconv", "odconv", "kw", "fodconv", "fkw")) {
            out.add(Arguments.of(t + " 3x3", t, g3, 16));
            out.add(Arguments.of(t + " stride 2 dilation 2", t, strided, 17));
            out.add(Arguments.of(t + " groups 2", t, grouped, 16));
            out.add(Arguments.of(t + " depthwise", t, depthwise, 16));
            out.add(Arguments.of(t + " 1x1", t, pointwise, 16));
            if (!t.contains("odconv")) {
                out.add(Arguments.of(t + " with bias", t, biased, 16));
            }
        }
        // KernelWarehouse and ODConv put the scale or the filter attention on the output where
        // the kernels are larger than it (C k k > H' W': here 8 x 9 > 4 x 4; 1x1: 8 > 2 x 2).
        out.add(Arguments.of("kw small map", "kw", g3, 4));
        out.add(Arguments.of("kw small map with bias", "kw", biased, 4));
        out.add(Arguments.of("odconv 1x1 small map", "odconv", pointwise, 2));
        // ODConv with one kernel and a 1x1 kernel: no per-sample kernel at all.
        out.add(Arguments.of("odconv k=1 1x1", "odconv:k=1", pointwise, 8));
        out.add(Arguments.of("odconv k=1 1x1 depthwise", "odconv:k=1",
                new ConvGeometry(8, 8, 1, 1, 0, 1, 8, false), 8));
        out.add(Arguments.of("odconv k=1 3x3", "odconv:k=1", g3, 8));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("units")
    void foldedUnitGivesTheUnfoldedOutputs(String name, String spec, ConvGeometry g, int size) {
        try (NDManager m = manager.newSubManager()) {
            Random rnd = new Random(name.hashCode());
            ConvBnAct unit = unit(m, Convs.create(ConvSpec.parse(spec), g), g, size, rnd);
            for (int batch : new int[] {1, 3}) {
                NDArray x = m.randomNormal(new Shape(batch, g.inChannels(), size, size + 1));
                assertThat(error(unit, unit.fold(m), x)).as("batch " + batch)
                        .isLessThan(FoldedModelTest.TOLERANCE);
            }
        }
    }

    /** A separable convolution folds into its pointwise half, static or dynamic. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("separableTypes")
    void separableConvolutionFoldsIntoItsPointwiseHalf(String type) {
        try (NDManager m = manager.newSubManager()) {
            ConvFactory f = new ConvFactory(ConvSpec.parse(type), EnumSet.of(ConvRole.ASPP));
            f.scope("aspp");
            SeparableConv conv = new SeparableConv(f, "c", ConvRole.ASPP, 8, 12, 3, 2,
                    TorchInit.kaimingUniform(TorchInit.FanMode.FAN_IN));
            ConvBnAct unit = unit(m, conv, null, 16, new Random(3));
            NDArray x = m.randomNormal(new Shape(2, 8, 16, 16));
            assertThat(error(unit, unit.fold(m), x)).isLessThan(FoldedModelTest.TOLERANCE);
        }
    }

    static Stream<String> separableTypes() {
        return Convs.types().stream().map(Convs.Type::name);
    }

    /**
     * Worked by hand: a 1x1 convolution with bias, weights (2, -1), bias (0.5, 0), input
     * (1, 2, 3, 4); BatchNorm gamma (3, 0.5), beta (1, -2), mean (1, 0), variance 4 - eps (so
     * that var + eps = 4). Scale gamma / 2 = (1.5, 0.25), shift beta - mean scale = (-0.5, -2);
     * folded weights (3, -0.25), bias (0.5 x 1.5 - 0.5, -2) = (0.25, -2); outputs 3 x + 0.25 =
     * (3.25, 6.25, 9.25, 12.25) and -0.25 x - 2 = (-2.25, -2.5, -2.75, -3); the unfolded unit
     * gives (2 x + 0.5 - 1) / 2 x 3 + 1 = 3.25, ... the same.
     */
    @Test
    void foldWorkedOutByHand() {
        try (NDManager m = manager.newSubManager()) {
            ConvGeometry g = new ConvGeometry(1, 2, 1, 1, 0, 1, 1, true);
            Block conv = Convs.create(ConvSpec.parse("static"), g);
            ConvBnAct unit = new ConvBnAct(conv, ConvBnAct.Act.NONE, "0", "1");
            Blocks.init(unit, m, new Shape(1, 1, 2, 2));
            conv.getParameters().get("weight").getArray().set(new float[] {2, -1});
            conv.getParameters().get("bias").getArray().set(new float[] {0.5f, 0});
            BatchNorm bn = (BatchNorm) unit.bn();
            param(bn, "gamma").set(new float[] {3, 0.5f});
            param(bn, "beta").set(new float[] {1, -2});
            param(bn, "runningMean").set(new float[] {1, 0});
            float var = 4 - Norms.EPSILON;
            param(bn, "runningVar").set(new float[] {var, var});

            ChannelAffine affine = Norms.affine(bn, m);
            assertThat(affine.scale().toFloatArray()).containsExactly(1.5f, 0.25f);
            assertThat(affine.shift().toFloatArray()).containsExactly(-0.5f, -2f);
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            float[] expected = {3.25f, 6.25f, 9.25f, 12.25f, -2.25f, -2.5f, -2.75f, -3f};
            assertThat(unit.fold(m).forward(new ParameterStore(m, false), x).toFloatArray())
                    .containsExactly(expected);
            float[] unfolded = Blocks.forward(unit, x, false).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(unfolded[i]).isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    /**
     * The comparison the tests above make catches a fold that leaves out the mean from the
     * shift or the epsilon from the scale (errors of order 1 and 1e-2 against 1e-5 allowed).
     */
    @Test
    void foldsThatForgetTheMeanOrTheEpsilonAreCaught() {
        try (NDManager m = manager.newSubManager()) {
            ConvGeometry g = new ConvGeometry(8, 12, 3, 1, 1, 1, 1, false);
            for (String type : List.of("static", "fadconv")) {
                Block conv = Convs.create(ConvSpec.parse(type), g);
                ConvBnAct unit = unit(m, conv, g, 16, new Random(7));
                NDArray x = m.randomNormal(new Shape(2, 8, 16, 16));
                BatchNorm bn = (BatchNorm) unit.bn();
                float[] gamma = param(bn, "gamma").toFloatArray();
                float[] beta = param(bn, "beta").toFloatArray();
                float[] mean = param(bn, "runningMean").toFloatArray();
                float[] var = param(bn, "runningVar").toFloatArray();
                float[] zeros = new float[gamma.length];
                AffineFoldable f = (AffineFoldable) conv;
                assertThat(error(unit, f.foldAffine(ChannelAffine.ofBatchNorm(gamma, beta, mean,
                        var, Norms.EPSILON, m), m), x)).as(type + " right")
                        .isLessThan(FoldedModelTest.TOLERANCE);
                assertThat(error(unit, f.foldAffine(ChannelAffine.ofBatchNorm(gamma, beta, zeros,
                        var, Norms.EPSILON, m), m), x)).as(type + " without the mean")
                        .isGreaterThan(0.1);
                assertThat(error(unit, f.foldAffine(ChannelAffine.ofBatchNorm(gamma, beta, mean,
                        var, 0, m), m), x)).as(type + " without the epsilon")
                        .isGreaterThan(1e-3);
            }
        }
    }

    /**
     * Folding reads parameters and never writes them: KernelWarehouse's cells, shared with the
     * other layers of the warehouse, and every other parameter are bitwise unchanged after a
     * fold and a folded pass, and a sibling layer's output with them.
     */
    @Test
    void foldingLeavesEveryParameterAndTheSharedCellsUnchanged() {
        try (NDManager m = manager.newSubManager()) {
            ConvContext ctx = new ConvContext();
            ctx.scope("stage");
            ConvGeometry g = new ConvGeometry(8, 8, 3, 1, 1, 1, 1, false);
            Block a = Convs.create(ConvSpec.parse("kw"), g, ctx);
            Block sibling = Convs.create(ConvSpec.parse("kw"), g, ctx);
            ConvBnAct unit = unit(m, a, g, 16, new Random(11));
            Blocks.init(sibling, m, new Shape(1, 8, 16, 16));
            Annealing.finish(sibling);
            NDArray x = m.randomNormal(new Shape(2, 8, 16, 16));
            float[] siblingBefore = Blocks.forward(sibling, x, false).toFloatArray();
            List<float[]> before = new ArrayList<>();
            for (Parameter p : unit.getParameters().values()) {
                before.add(p.getArray().toFloatArray());
            }
            unit.fold(m).forward(new ParameterStore(m, false), x);
            int i = 0;
            for (Parameter p : unit.getParameters().values()) {
                assertThat(p.getArray().toFloatArray()).as(p.getName()).containsExactly(
                        before.get(i++));
            }
            assertThat(Blocks.forward(sibling, x, false).toFloatArray())
                    .containsExactly(siblingBefore);
        }
    }

    /** The largest difference of the folded unit from the unfolded one, relative. */
    private static double error(ConvBnAct unit, AffineFoldable.Folded folded, NDArray x) {
        NDArray expected = unit.forward(new ParameterStore(x.getManager(), false), new NDList(x),
                false).singletonOrThrow();
        NDArray got = ConvBnAct.activate(folded.forward(new ParameterStore(x.getManager(), false),
                x), ConvBnAct.Act.RELU);
        assertThat(got.getShape()).isEqualTo(expected.getShape());
        return RefMath.relativeError(Tensors.values(expected), got.toFloatArray());
    }

    /**
     * A conv-BN-ReLU unit around a convolution, initialised, at its final temperature, with
     * BatchNorm statistics as training leaves them at their most varied: gamma in +-[0.2, 2],
     * beta in [-1, 1], the mean within the outputs' spread, variances log-uniform in [1e-4, 10].
     */
    private static ConvBnAct unit(NDManager m, Block conv, ConvGeometry g, int size, Random rnd) {
        ConvBnAct unit = new ConvBnAct(conv, ConvBnAct.Act.RELU, "0", "1");
        long in = g == null ? 8 : g.inChannels();
        Blocks.init(unit, m, new Shape(1, in, size, size + 1));
        Annealing.finish(unit);
        BatchNorm bn = (BatchNorm) unit.bn();
        int n = (int) param(bn, "gamma").size();
        float[] gamma = new float[n];
        float[] beta = new float[n];
        float[] mean = new float[n];
        float[] var = new float[n];
        for (int o = 0; o < n; o++) {
            gamma[o] = (0.2f + 1.8f * rnd.nextFloat()) * (rnd.nextBoolean() ? 1 : -1);
            beta[o] = 2 * rnd.nextFloat() - 1;
            mean[o] = 2 * rnd.nextFloat() - 1;
            var[o] = (float) Math.pow(10, -4 + 5 * rnd.nextDouble());
        }
        var[0] = 1e-4f;
        param(bn, "gamma").set(gamma);
        param(bn, "beta").set(beta);
        param(bn, "runningMean").set(mean);
        param(bn, "runningVar").set(var);
        return unit;
    }

    private static NDArray param(BatchNorm bn, String name) {
        return bn.getDirectParameters().get(name).getArray();
    }
}
