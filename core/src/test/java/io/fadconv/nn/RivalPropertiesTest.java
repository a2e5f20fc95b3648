package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import io.fadconv.testing.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attention normalisation as published, closed-form parameter counts, KernelWarehouse's
 * cross-layer sharing and batch size 1 for every dynamic convolution.
 */
class RivalPropertiesTest extends EngineTest {

    static Block create(String spec, ConvGeometry g) {
        return Convs.create(ConvSpec.parse(spec), g);
    }

    static NDArray input(NDManager m, long b, long c, long h, long w, long seed) {
        return m.create(Tensors.uniform(new Random(seed), (int) (b * c * h * w)),
                new Shape(b, c, h, w));
    }

    // ------------------------------------------------------------------ normalisation

    @Test
    void dyConvAndOdConvKernelAttentionsAreSoftmaxes() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = input(m, 3, 8, 9, 9, 1);
            for (String spec : List.of("dyconv:t=4", "odconv:t=3", "fodconv:t=3,p=8")) {
                Block b = Blocks.init(create(spec, ConvGeometry.same(8, 12, 3, 1)), m,
                        x.getShape());
                RivalTesting.randomize(b, new Random(2));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray k = b instanceof OdConv od ? od.attentions(ps, x, false).kernel()
                        : ((DyConv) b).attentionPath(ps, x, false);
                assertThat(k.getShape().getShape()).as(spec).containsExactly(3, 4);
                for (float s : k.sum(new int[] {1}).toFloatArray()) {
                    assertThat(s).as(spec).isCloseTo(1f, within(1e-5f));
                }
                assertThat(k.min().getFloat()).as(spec).isGreaterThan(0f);
            }
        }
    }

    @Test
    void odConvSigmoidAttentionsAreInUnitIntervalAndSkippedAsPublished() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = input(m, 2, 8, 9, 9, 3);
            OdConv od = Blocks.init((OdConv) create("odconv:t=2", ConvGeometry.same(8, 12, 3, 1)),
                    m, x.getShape());
            OdConv.Attentions a = od.attentions(new ParameterStore(m, false), x, false);
            assertThat(a.channel().getShape().getShape()).containsExactly(2, 8);
            assertThat(a.filter().getShape().getShape()).containsExactly(2, 12);
            assertThat(a.spatial().getShape().getShape()).containsExactly(2, 9);
            for (NDArray s : new NDArray[] {a.channel(), a.filter(), a.spatial()}) {
                assertThat(s.min().getFloat()).isGreaterThan(0f);
                assertThat(s.max().getFloat()).isLessThan(1f);
            }
            // Depthwise: no filter attention; 1x1: no spatial; K = 1: no kernel attention.
            OdConv dw = Blocks.init((OdConv) create("odconv", new ConvGeometry(8, 8, 3, 1, 1, 1,
                    8, false)), m, x.getShape());
            OdConv pw = Blocks.init((OdConv) create("odconv:k=1", ConvGeometry.same(8, 16, 1, 1)),
                    m, x.getShape());
            OdConv.Attentions ad = dw.attentions(new ParameterStore(m, false), x, false);
            OdConv.Attentions ap = pw.attentions(new ParameterStore(m, false), x, false);
            assertThat(ad.filter()).isNull();
            assertThat(ad.spatial()).isNotNull();
            assertThat(ap.spatial()).isNull();
            assertThat(ap.kernel()).isNull();
            assertThat(TorchWeights.stateDict(dw).entries()).doesNotContainKey(
                    "attention.filter_fc.weight");
            assertThat(TorchWeights.stateDict(pw).entries()).doesNotContainKeys(
                    "attention.spatial_fc.weight", "attention.kernel_fc.weight");
        }
    }

    @ParameterizedTest(name = "b={0}")
    @ValueSource(doubles = {4, 1, 0.5})
    void kernelWarehouseAttentionIsNormalisedByAbsoluteSumNotSoftmax(double budget) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = input(m, 2, 8, 8, 8, 4);
            KernelWarehouse kw = Blocks.init((KernelWarehouse) create("kw:b=" + budget,
                    ConvGeometry.same(8, 8, 3, 1)), m, x.getShape());
            RivalTesting.randomize(kw, new Random(5));
            ParameterStore ps = new ParameterStore(m, false);
            int cells = kw.getWarehouse().cellCount();
            long l = kw.getSlot().mixtures();
            // t = 0: each row divided by (sum of |.| over its M + 1 entries + 0.001), so the M
            // kept entries have an absolute sum below 1 and signs survive (not a softmax).
            kw.setTemperature(0f);
            NDArray a = kw.attentionPath(ps, x, false);
            assertThat(a.getShape().getShape()).containsExactly(2, l, cells);
            float[] absSums = a.abs().sum(new int[] {2}).toFloatArray();
            for (float s : absSums) {
                assertThat(s).isLessThan(1f).isGreaterThan(0f);
            }
            assertThat(a.min().getFloat()).isLessThan(0f);
            // t = 1: exactly the initial one-hot assignment (zero-cell column dropped).
            kw.setTemperature(1f);
            float[] got = kw.attentionPath(ps, x, false).toFloatArray();
            float[] onehot = kw.getSlot().assignment();
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < l; i++) {
                    for (int j = 0; j < cells; j++) {
                        assertThat(got[(int) ((n * l + i) * cells + j)])
                                .isEqualTo(onehot[i * (cells + 1) + j]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "b={0}")
    @ValueSource(doubles = {4, 2, 1, 0.5})
    void warehouseAssignsEveryCellOnceAndStoresBTimesTheKernels(double budget) {
        ConvContext ctx = new ConvContext().scope("stage0");
        List<KernelWarehouse> layers = new ArrayList<>();
        ConvSpec spec = ConvSpec.parse("kw:b=" + budget);
        for (ConvGeometry g : List.of(ConvGeometry.same(8, 8, 3, 1), ConvGeometry.same(8, 16, 3, 2),
                new ConvGeometry(8, 16, 1, 2, 0, 1, 1, false), ConvGeometry.same(16, 16, 3, 1))) {
            layers.add((KernelWarehouse) Convs.create(spec, g, ctx));
        }
        Warehouse w = layers.get(0).getWarehouse();
        layers.forEach(k -> assertThat(k.getWarehouse()).isSameAs(w));
        w.seal();
        int cells = w.cellCount();
        int[] hits = new int[cells + 1];
        for (KernelWarehouse k : layers) {
            Warehouse.Slot s = k.getSlot();
            float[] a = s.assignment();
            for (int i = 0; i < s.mixtures(); i++) {
                int ones = 0;
                for (int j = 0; j <= cells; j++) {
                    if (a[i * (cells + 1) + j] == 1f) {
                        ones++;
                        hits[j]++;
                    } else {
                        assertThat(a[i * (cells + 1) + j]).isZero();
                    }
                }
                assertThat(ones).isEqualTo(1);
            }
        }
        long kernels = 8 * 8 * 9 + 16 * 8 * 9 + 16 * 8 + 16 * 16 * 9;
        // b >= 1: every kernel cell starts on the first of its own b cells; b < 1: each cell
        // starts as the assignment of exactly one kernel cell, the rest start on the zero cell.
        for (int j = 0; j < cells; j++) {
            int expected = budget >= 1 ? (j % (int) budget == 0 ? 1 : 0) : 1;
            assertThat(hits[j]).as("cell %d", j).isEqualTo(expected);
        }
        // Cells hold b times the kernels' parameters (the budget's definition).
        assertThat((double) cells * w.cellOut() * w.cellIn()).isEqualTo(budget * kernels);
        if (budget >= 1) {
            assertThat(w.cellOut()).isEqualTo(8);
            assertThat(w.cellIn()).isEqualTo(8);
            int start = 0;
            for (KernelWarehouse k : layers) {
                assertThat(k.getSlot().start()).isEqualTo(start);
                start += (int) (k.getSlot().mixtures() * budget);
                assertThat(k.getSlot().end()).isEqualTo(start);
            }
        }
    }

    // ------------------------------------------------------------------ parameter counts

    static long fusion(int low, int high) {
        long f = (long) low * low + (long) high * high;
        return f * 32 + 32 + 32 + 1;
    }

    @Test
    void parameterCountsEqualTheClosedForms() {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, 16, 8, 8);
            // DYConv: K O C k^2 + K O (bias) + C h + h K + K, h = int(C / 4) + 1.
            long h = 16 / 4 + 1;
            assertThat(count(m, "dyconv", ConvGeometry.same(16, 12, 3, 1), in))
                    .isEqualTo(4L * 12 * 16 * 9 + 16 * h + h * 4 + 4);
            assertThat(count(m, "dyconv:k=2", new ConvGeometry(16, 12, 3, 1, 1, 1, 4, true), in))
                    .isEqualTo(2L * 12 * 4 * 9 + 2 * 12 + 16 * h + h * 2 + 2);
            // ODConv: K O C k^2 + C h + 2h (BN) + (h C + C) + (h O + O) + (h k^2 + k^2) + (h K + K).
            long ho = 16;
            assertThat(count(m, "odconv", ConvGeometry.same(16, 12, 3, 1), in)).isEqualTo(
                    4L * 12 * 16 * 9 + 16 * ho + 2 * ho + (ho * 16 + 16) + (ho * 12 + 12)
                            + (ho * 9 + 9) + (ho * 4 + 4));
            assertThat(count(m, "odconv:k=1", ConvGeometry.same(16, 12, 1, 1), in)).isEqualTo(
                    12L * 16 + 16 * ho + 2 * ho + (ho * 16 + 16) + (ho * 12 + 12));
            assertThat(count(m, "odconv", new ConvGeometry(16, 16, 3, 1, 1, 1, 16, false), in))
                    .isEqualTo(4L * 16 * 9 + 16 * ho + 2 * ho + (ho * 16 + 16) + (ho * 9 + 9)
                            + (ho * 4 + 4));
            // KW alone: M co ci cells + C h + 2h + h L (M + 1) + L (M + 1); 16->12 3x3: gcd cells
            // 12x16, L = 9, M = 4 L = 36.
            long l = 9;
            long cells = 36;
            assertThat(count(m, "kw", ConvGeometry.same(16, 12, 3, 1), in)).isEqualTo(
                    cells * 12 * 16 + 16 * ho + 2 * ho + ho * l * (cells + 1) + l * (cells + 1));
            // FADConv: K O C k^2 + C hid + hid + hid K + K + fusion, hid = max(32, C / 16).
            long hid = 32;
            assertThat(count(m, "fadconv", ConvGeometry.same(16, 12, 3, 1), in)).isEqualTo(
                    4L * 12 * 16 * 9 + 16 * hid + hid + hid * 4 + 4 + fusion(4, 0));
        }
    }

    @Test
    void fatVersionsDifferFromTheirGapVersionsOnlyByTheFusionNetwork() {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, 16, 16, 16);
            ConvGeometry g = ConvGeometry.same(16, 16, 3, 1);
            // The paper: FADConv's parameters are DYConv's plus the tiny fusion network
            // (Table 2, 44.06M vs 44.07M); DYConv there is FADConv's structure with GAP.
            assertThat(count(m, "fadconv", g, in) - count(m, "fadconv:att=gap", g, in))
                    .isEqualTo(fusion(4, 0));
            assertThat(count(m, "fodconv:p=16", g, in) - count(m, "odconv", g, in))
                    .isEqualTo(fusion(4, 0));
            assertThat(count(m, "fkw:p=16,n=2,h=1", g, in) - count(m, "kw", g, in))
                    .isEqualTo(fusion(2, 1));
            // Same expert kernels in DYConv and FADConv; only the attention networks differ.
            DyConv dy = Blocks.init((DyConv) create("dyconv", g), m, in);
            FadConv fad = Blocks.init((FadConv) create("fadconv", g), m, in);
            assertThat(dy.getWeightParameter().getArray().getShape())
                    .isEqualTo(fad.getExpertsParameter().getArray().getShape());
        }
    }

    static long count(NDManager m, String spec, ConvGeometry g, Shape in) {
        return Layers.trainableParameters(Blocks.init(create(spec, g), m, in));
    }

    // ------------------------------------------------------------------ sharing

    @Test
    void layersOfOneScopeShareOneWarehouseCountedOnce() {
        try (NDManager m = manager.newSubManager()) {
            ConvContext ctx = new ConvContext();
            ConvSpec spec = ConvSpec.parse("kw:b=1");
            SequentialBlock net = new SequentialBlock();
            ctx.scope("encoder.layer1");
            KernelWarehouse a = (KernelWarehouse) Convs.create(spec, ConvGeometry.same(8, 8, 3, 1),
                    ctx);
            KernelWarehouse b = (KernelWarehouse) Convs.create(spec, ConvGeometry.same(8, 8, 3, 1),
                    ctx);
            ctx.scope("encoder.layer2");
            KernelWarehouse c = (KernelWarehouse) Convs.create(spec, ConvGeometry.same(8, 8, 3, 1),
                    ctx);
            net.add(a).add(b).add(c);
            net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 8, 8, 8));
            assertThat(a.getWarehouse()).isSameAs(b.getWarehouse());
            assertThat(c.getWarehouse()).isNotSameAs(a.getWarehouse());
            assertThat(a.ownsWarehouse()).isFalse();
            WarehouseManager wm = KernelWarehouse.manager(ctx);
            assertThat(wm.warehouses()).extracting(Warehouse::name)
                    .containsExactly("encoder.layer1", "encoder.layer2");
            assertThat(wm.warehouses()).extracting(Warehouse::index).containsExactly(0, 1);
            long attention = 0;
            for (KernelWarehouse k : List.of(a, b, c)) {
                attention += Layers.trainableParameters(k)
                        - k.getWarehouse().cells().getArray().size();
            }
            // Two warehouses (18 + 9 cells of 8x8) once, plus the three attentions.
            assertThat(Layers.trainableParameters(net))
                    .isEqualTo(wm.parameterCount() + attention);
            assertThat(wm.parameterCount()).isEqualTo((18 + 9) * 64);
            // Layer state dicts leave the shared cells to the model; the manager names them.
            assertThat(TorchWeights.stateDict(a).entries().keySet())
                    .noneMatch(k -> k.contains("warehouse"));
            TorchStateDict dict = new TorchStateDict();
            wm.torchState("warehouse_manager.", dict);
            assertThat(dict.entries()).containsOnlyKeys("warehouse_manager.weights.0",
                    "warehouse_manager.weights.1");
            // A layer reserved after its warehouse is in use is refused, clearly.
            ctx.scope("encoder.layer1");
            assertThatThrownBy(() -> Convs.create(spec, ConvGeometry.same(8, 8, 3, 1), ctx))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("encoder.layer1")
                    .hasMessageContaining("before initialising");
            ctx.scope("encoder.layer3");
            Convs.create(spec, ConvGeometry.same(8, 8, 3, 1), ctx);
            assertThatThrownBy(() -> Convs.create(ConvSpec.parse("kw:b=4"),
                    ConvGeometry.same(8, 8, 3, 1), ctx))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("one budget per scope");
        }
    }

    @Test
    void aStandaloneLayerOwnsItsWarehouseAndRoundTripsThroughAFile(@TempDir Path dir)
            throws Exception {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, 8, 8, 8);
            NDArray x = input(m, 2, 8, 8, 8, 9);
            KernelWarehouse a = Blocks.init((KernelWarehouse) create("fkw:b=1,p=8",
                    ConvGeometry.same(8, 8, 3, 1)), m, in);
            RivalTesting.randomize(a, new Random(3));
            a.setTemperature(0f);
            assertThat(a.ownsWarehouse()).isTrue();
            assertThat(TorchWeights.stateDict(a).entries()).containsKeys(
                    "warehouse_manager.weights.0", "attention.fc1.weight", "attention.norm1.weight",
                    "attention.fc2.weight", "attention.fusion.0.weight",
                    "attention.dct.dct_matrix");
            Path file = dir.resolve("kw.npz");
            TorchWeights.save(a, file);
            assertThat(Files.size(file)).isPositive();
            KernelWarehouse b = Blocks.init((KernelWarehouse) create("fkw:b=1,p=8",
                    ConvGeometry.same(8, 8, 3, 1)), m, in);
            b.setTemperature(0f);
            TorchWeights.load(b, file);
            assertThat(Blocks.forward(b, x, false).toFloatArray())
                    .containsExactly(Blocks.forward(a, x, false).toFloatArray());
        }
    }

    // ------------------------------------------------------------------ batch size 1

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dyconv", "odconv", "kw", "fodconv:p=8", "fkw:p=8", "fadconv:p=8",
        "fadconv:att=gap"})
    void batchOfOneWorksInTrainingAndInference(String spec) {
        try (NDManager m = manager.newSubManager()) {
            Block b = Blocks.init(create(spec, ConvGeometry.same(8, 8, 3, 1)), m,
                    new Shape(1, 8, 10, 10));
            RivalTesting.randomize(b, new Random(1));
            var before = Blocks.params(b);
            NDArray x = input(m, 1, 8, 10, 10, 11);
            x.setRequiresGradient(true);
            float[] inference = Blocks.forward(b, x, false).toFloatArray();
            float[] training;
            try (ai.djl.training.GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = Blocks.forward(b, x, true);
                training = y.toFloatArray();
                gc.backward(y.sum());
            }
            for (float v : training) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            for (float v : x.getGradient().toFloatArray()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            // With one sample the attention's BatchNorm uses (and keeps) its running statistics,
            // so training and inference agree (none of these layers has dropout).
            assertThat(training).containsExactly(inference, within(1e-6f));
            var after = Blocks.params(b);
            before.forEach((k, v) -> {
                if (k.contains("running")) {
                    assertThat(after.get(k)).as(k).containsExactly(v);
                }
            });
        }
    }
}
