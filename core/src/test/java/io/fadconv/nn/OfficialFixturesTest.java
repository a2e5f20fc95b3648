package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.RefMath;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rival, loaded with {@link TorchWeights} from a state_dict the official PyTorch code saved,
 * gives the official outputs and input gradients (and, for KernelWarehouse, the gradient of the
 * shared cells), in inference and in training mode.
 */
class OfficialFixturesTest extends EngineTest {

    private static final double TOL = 1e-4;
    /** Output and d(sum(y * r))/dx of one pass. */
    record Pass(float[] y, float[] dx) {}

    static Pass pass(Block block, NDArray x, NDArray r, boolean training) {
        NDArray xi = x.duplicate();
        xi.setRequiresGradient(true);
        try (GradientCollector gc = Djl.engine().newGradientCollector()) {
            NDArray y = block.forward(new ParameterStore(x.getManager(), false), new NDList(xi),
                    training).singletonOrThrow();
            gc.backward(y.mul(r).sum());
            return new Pass(y.toFloatArray(), xi.getGradient().toFloatArray());
        }
    }

    static void assertClose(String what, float[] expected, float[] got) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        assertThat(RefMath.relativeError(e, got)).as(what).isLessThan(TOL);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dyconv_a", "dyconv_b"})
    void dyConvMatchesKaijieshi7(String name) throws IOException {
        Fixtures f = Fixtures.load(name);
        long[] ws = f.stateTensors().get("weight").shape(); // [K, O, C/g, k, k]
        long[] xs = f.shape("x");
        boolean bias = f.stateTensors().containsKey("bias");
        int groups = (int) (xs[1] / ws[2]);
        DyConv.Builder b = DyConv.builder().setFilters((int) ws[1])
                .setKernelShape(new Shape(ws[3], ws[4])).optExperts((int) ws[0]).optBias(bias)
                .optGroups(groups).optTemperature(f.scalar("temperature"));
        if (name.equals("dyconv_a")) {
            b.optPadding(new Shape(1, 1));
        } else {
            b.optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).optDilation(new Shape(2, 2));
        }
        try (NDManager m = manager.newSubManager()) {
            DyConv conv = b.build();
            conv.initialize(m, DataType.FLOAT32, new Shape(xs));
            TorchWeights.load(conv, f.state());
            Pass p = pass(conv, f.array(m, "x"), f.array(m, "r"), false);
            assertClose("y", f.floats("y"), p.y());
            assertClose("dx", f.floats("dx"), p.dx());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"odconv_a", "odconv_dw", "odconv_pw1", "odconv_pw4", "odconv_g2"})
    void odConvMatchesOfficial(String name) throws IOException {
        Fixtures f = Fixtures.load(name);
        long[] ws = f.stateTensors().get("weight").shape();
        long[] xs = f.shape("x");
        int groups = (int) (xs[1] / ws[2]);
        OdConv.Builder b = OdConv.builder().setFilters((int) ws[1])
                .setKernelShape(new Shape(ws[3], ws[4])).optExperts((int) ws[0]).optGroups(groups);
        if (f.scalar("temperature") != 1f) {
            // T = 1 (odconv_dw) runs as built: the official module is constructed with 1.
            b.optTemperature(f.scalar("temperature"));
        }
        switch (name) {
            case "odconv_a" -> b.optPadding(new Shape(1, 1));
            case "odconv_dw" -> b.optStride(new Shape(2, 2)).optPadding(new Shape(1, 1));
            case "odconv_pw4" -> b.optReduction(0.5);
            case "odconv_g2" -> b.optPadding(new Shape(2, 2)).optDilation(new Shape(2, 2));
            default -> { }
        }
        try (NDManager m = manager.newSubManager()) {
            OdConv conv = b.build();
            conv.initialize(m, DataType.FLOAT32, new Shape(xs));
            TorchWeights.load(conv, f.state());
            NDArray x = f.array(m, "x");
            NDArray r = f.array(m, "r");
            Pass eval = pass(conv, x, r, false);
            assertClose("y", f.floats("y"), eval.y());
            assertClose("dx", f.floats("dx"), eval.dx());
            Pass train = pass(conv, x, r, true);
            assertClose("y_train", f.floats("y_train"), train.y());
            assertClose("dx_train", f.floats("dx_train"), train.dx());
            var sd = Blocks.params(conv);
            assertThat(RefMath.relativeError(sd.get("attention.bn.running_mean"),
                    f.floats("running_mean_after"))).as("running_mean").isLessThan(TOL);
            assertThat(RefMath.relativeError(sd.get("attention.bn.running_var"),
                    f.floats("running_var_after"))).as("running_var").isLessThan(TOL);
        }
    }

    /**
     * A freshly built rival computes with the value its official module is constructed with
     * (ODConv {@code Attention.temperature = 1.0}, KernelWarehouse {@code temp_value = 0},
     * DYConv {@code Dynamic_conv2d(temperature=34)}); training's annealing starts elsewhere
     * (ODConv 30, KernelWarehouse 1, DYConv 34), set by the first training step.
     */
    @org.junit.jupiter.api.Test
    void freshlyBuiltRivalsStartWhereTheOfficialModulesDo() {
        ConvGeometry g = ConvGeometry.same(8, 8, 3, 1);
        OdConv od = OdConv.builder().setFilters(8).setKernelShape(new Shape(3, 3)).build();
        KernelWarehouse kw = KernelWarehouse.builder().setInChannels(8).setFilters(8)
                .setKernelShape(new Shape(3, 3)).build();
        DyConv dy = DyConv.builder().setFilters(8).setKernelShape(new Shape(3, 3)).build();
        assertThat(List.of(od.getTemperature(), kw.getTemperature(), dy.getTemperature()))
                .containsExactly(1f, 0f, 34f);
        assertThat(List.of(od.schedule().orElseThrow().initial(),
                kw.schedule().orElseThrow().initial(), dy.schedule().orElseThrow().initial()))
                .containsExactly(30f, 1f, 34f);
        for (String spec : new String[] {"odconv", "fodconv", "kw", "fkw", "dyconv"}) {
            Annealable a = (Annealable) Convs.create(ConvSpec.parse(spec), g);
            assertThat(a.getTemperature()).as(spec)
                    .isEqualTo(spec.contains("kw") ? 0f : spec.equals("dyconv") ? 34f : 1f);
            Annealing.update((Block) a, 0, 0, 100);
            assertThat(a.getTemperature()).as(spec + " after training's first update")
                    .isCloseTo(spec.contains("kw") ? 1f - 1f / 2000 : spec.equals("dyconv")
                            ? 34f : 30f - 29f / 1000, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    /** The official fixture's network: conv1, conv3 in warehouse stage0, conv2 in stage1. */
    static final class KwNet extends AbstractBlock implements TorchModule {
        final ConvContext context = new ConvContext();
        final KernelWarehouse conv1;
        final KernelWarehouse conv2;
        final KernelWarehouse conv3;

        KwNet(String budget) {
            ConvSpec spec = ConvSpec.parse("kw:b=" + budget);
            context.scope("stage0");
            conv1 = addChildBlock("conv1", (KernelWarehouse) Convs.create(spec,
                    new ConvGeometry(4, 4, 3, 1, 1, 1, 1, false), context));
            context.scope("stage1");
            conv2 = addChildBlock("conv2", (KernelWarehouse) Convs.create(spec,
                    new ConvGeometry(4, 8, 3, 2, 1, 1, 1, false), context));
            context.scope("stage0");
            conv3 = addChildBlock("conv3", (KernelWarehouse) Convs.create(spec,
                    new ConvGeometry(4, 8, 1, 2, 0, 1, 1, true), context));
        }

        List<KernelWarehouse> convs() {
            return List.of(conv1, conv2, conv3);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDList out = new NDList();
            for (KernelWarehouse c : convs()) {
                out.add(c.forward(ps, inputs, training).singletonOrThrow());
            }
            return out;
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            convs().forEach(c -> c.initialize(m, t, inputs));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return convs().stream().map(c -> c.getOutputShapes(inputs)[0]).toArray(Shape[]::new);
        }

        @Override
        public void torchState(String prefix, TorchStateDict dict) {
            KernelWarehouse.manager(context).torchState(prefix + "warehouse_manager.", dict);
            dict.child(prefix + "conv1.", conv1);
            dict.child(prefix + "conv2.", conv2);
            dict.child(prefix + "conv3.", conv3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kw_4x", "kw_1d2x"})
    void kernelWarehouseMatchesOfficial(String name) throws IOException {
        Fixtures f = Fixtures.load(name);
        try (NDManager m = manager.newSubManager()) {
            KwNet net = new KwNet(name.equals("kw_4x") ? "4" : "0.5");
            net.initialize(m, DataType.FLOAT32, new Shape(f.shape("x")));
            TorchWeights.load(net, f.state());
            for (int i = 0; i < 3; i++) {
                KernelWarehouse c = net.convs().get(i);
                c.setTemperature(f.scalar("temperature"));
                assertThat(c.getSlot().assignment()).as("initial assignment of conv" + (i + 1))
                        .containsExactly(f.floats("temp_bias" + (i + 1)));
            }
            List<Warehouse> ws = KernelWarehouse.manager(net.context).warehouses();
            assertThat(ws).extracting(Warehouse::name).containsExactly("stage0", "stage1");
            for (String mode : new String[] {"", "_train"}) {
                NDArray x = f.array(m, "x");
                x.setRequiresGradient(true);
                if (!mode.isEmpty()) {
                    // PyTorch accumulates gradients: clear the first pass's.
                    ws.forEach(w -> w.cells().getArray().getGradient().subi(
                            w.cells().getArray().getGradient()));
                }
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    NDList ys = net.forward(new ParameterStore(m, false), new NDList(x),
                            !mode.isEmpty());
                    NDArray loss = null;
                    for (int i = 0; i < 3; i++) {
                        assertClose("y" + (i + 1) + mode, f.floats("y" + (i + 1) + mode),
                                ys.get(i).toFloatArray());
                        NDArray li = ys.get(i).mul(f.array(m, "r" + (i + 1))).sum();
                        loss = loss == null ? li : loss.add(li);
                    }
                    gc.backward(loss);
                }
                assertClose("dx" + mode, f.floats("dx" + mode), x.getGradient().toFloatArray());
                for (int w = 0; w < 2; w++) {
                    assertClose("dcells" + w + mode, f.floats("dcells" + w + mode),
                            ws.get(w).cells().getArray().getGradient().toFloatArray());
                }
            }
        }
    }
}
