package io.fadconv.cost;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.Norms;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import io.fadconv.nn.FadConv;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameter and multiply-add counts against hand formulas and published counts. */
class CostCounterTest extends EngineTest {

    private static CostReport count(Block b, Shape in) {
        b.initialize(manager, DataType.FLOAT32, in);
        return CostCounter.count(b, in);
    }

    @Test
    void convolutionWithStrideDilationAndGroups() {
        // 6->8, 3x3, stride 2, padding 2, dilation 2, groups 2 on 17 x 13
        Block conv = Convs.staticConv(new ConvGeometry(6, 8, 3, 2, 2, 2, 2, true));
        CostReport r = count(conv, new Shape(4, 6, 17, 13));
        // out = floor((n + 2p - d(k-1) - 1) / s) + 1: 9 x 7; per output 8 * (6/2) * 9
        assertThat(r.output()).isEqualTo(new Shape(1, 8, 9, 7));
        assertThat(r.madds()).isEqualTo(9L * 7 * 8 * 3 * 9);
        assertThat(r.params()).isEqualTo(8L * 3 * 9 + 8);
    }

    @Test
    void depthwiseConvolution() {
        Block conv = Convs.staticConv(new ConvGeometry(16, 16, 3, 1, 1, 1, 16, false));
        CostReport r = count(conv, new Shape(1, 16, 10, 12));
        assertThat(r.madds()).isEqualTo(10L * 12 * 16 * 9);
        assertThat(r.params()).isEqualTo(16L * 9);
    }

    @Test
    void linearOverRowsAndBatchNorm() {
        SequentialBlock seq = new SequentialBlock().add(Linear.builder().setUnits(3).build());
        CostReport r = count(seq, new Shape(2, 5, 7));
        assertThat(r.madds()).isEqualTo(5L * 7 * 3);
        assertThat(r.params()).isEqualTo(7L * 3 + 3);
        assertThat(r.entries().get(0).key()).isEqualTo("0");

        CostReport bn = count(Norms.batchNorm2d(), new Shape(1, 4, 5, 6));
        assertThat(bn.madds()).isZero(); // BatchNorm is not in the paper's count ...
        assertThat(bn.otherOps()).isEqualTo(4L * 5 * 6); // ... but is listed: one per element
        assertThat(bn.params()).isEqualTo(8); // gamma and beta; running statistics do not train
    }

    @Test
    void dynamicConvolutionReportsItsParts() {
        FadConv conv = FadConv.builder().setFilters(8).setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1)).build();
        CostReport r = count(conv, new Shape(1, 6, 20, 20));
        CostEntry e = r.dynamicConvs().get(0);
        assertThat(e.madds()).isEqualTo(conv.madds(new Shape(1, 6, 20, 20)));
        assertThat(e.madds().get("conv")).isEqualTo(20L * 20 * 8 * 6 * 9);
        assertThat(r.dynamicExtra()).isEqualTo(r.madds() - 20L * 20 * 8 * 6 * 9);
        // Eq. 5: 2 C p^3 + (C * hidden + hidden * K) + K C O k^2
        assertThat(r.paperEq5Extra()).isEqualTo(2L * 6 * 16 * 16 * 16 + (6L * 32 + 32 * 4)
                + 4L * 6 * 8 * 9);
        assertThat(r.params()).isEqualTo(conv.getParameters().values().stream()
                .mapToLong(p -> p.getShape().size()).sum());
    }

    @Test
    void resnet18EncoderAt224IsTheWellKnown1point8GMAdds() {
        CostReport r = CostTable.count(ModelSpec.of("resnet18-unet", "static", 3, 6), 224, 224)
                .report();
        long encoder = r.entries().stream().filter(e -> e.key().startsWith("encoder."))
                .mapToLong(e -> e.madds().getOrDefault("conv", 0L)).sum();
        assertThat(encoder).isEqualTo(resnetConvMadds(new int[] {2, 2, 2, 2}, 224));
        assertThat(encoder / 1e9).isCloseTo(1.82, within(0.01));
    }

    /** Convolution MAdds of a torchvision ResNet (basic blocks) at n x n, summed by hand. */
    private static long resnetConvMadds(int[] blocks, int n) {
        long s = n / 2;
        long total = s * s * 64 * 3 * 49; // stem
        s /= 2; // max pool
        int in = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            int c = widths[stage];
            for (int b = 0; b < blocks[stage]; b++) {
                boolean first = b == 0 && stage > 0;
                if (first) {
                    s /= 2;
                    total += s * s * c * in; // 1x1 projection
                }
                total += s * s * c * (long) in * 9 + s * s * c * (long) c * 9;
                in = c;
            }
        }
        return total;
    }

    @Test
    void encoderParametersEqualTorchvisionWithoutTheClassifier() {
        // torchvision's published totals minus the 1000-class classifier
        assertThat(encoderParams("resnet18-unet")).isEqualTo(11_689_512L - (512L * 1000 + 1000));
        assertThat(encoderParams("resnet34-unet")).isEqualTo(21_797_672L - (512L * 1000 + 1000));
        assertThat(encoderParams("mobilenetv2-unet"))
                .isEqualTo(3_504_872L - (1280L * 1000 + 1000));
    }

    private static long encoderParams(String model) {
        CostTable.Counted c = CostTable.count(ModelSpec.of(model, "static", 3, 6), 64, 64);
        assertThat(c.classifierParams()).isEqualTo(model.startsWith("mobilenet")
                ? 1280L * 1000 + 1000 : 512L * 1000 + 1000);
        return c.report().entries().stream().filter(e -> e.key().startsWith("encoder."))
                .mapToLong(CostEntry::params).sum();
    }

    @Test
    void unetDecoderParametersEqualTheClosedForm() {
        int[] d = {256, 128, 64, 32, 16};
        assertThat(decoderAndHead(ModelSpec.of("resnet18-unet", "static", 3, 6)))
                .isEqualTo(unet(new int[] {64, 64, 128, 256, 512}, d, 6));
        assertThat(decoderAndHead(ModelSpec.of("mobilenetv2-unet", "static", 3, 6)))
                .isEqualTo(unet(new int[] {16, 24, 32, 96, 1280}, d, 6));
        assertThat(decoderAndHead(ModelSpec.of("resnet18x0.25-unet", "static", 4, 2)))
                .isEqualTo(unet(new int[] {16, 16, 32, 64, 128}, new int[] {64, 32, 16, 8, 4}, 2));
        assertThat(decoderAndHead(ModelSpec.of("resnet34-unet", "static", 3, 1)
                .withOption("decoder", "512/256/128/64/32")))
                .isEqualTo(unet(new int[] {64, 64, 128, 256, 512}, new int[] {512, 256, 128, 64,
                    32}, 1));
    }

    /** Sum over blocks of 9((in + skip) d + d^2) + 4d (two BatchNorms), plus the 3x3 head. */
    private static long unet(int[] enc, int[] d, int classes) {
        long p = 0;
        int in = enc[4];
        for (int i = 0; i < 5; i++) {
            int skip = i < 4 ? enc[3 - i] : 0;
            p += 9L * (in + skip) * d[i] + 9L * d[i] * d[i] + 4L * d[i];
            in = d[i];
        }
        return p + 9L * in * classes + classes;
    }

    @Test
    void deeplabDecoderParametersEqualTheClosedForm() {
        int c = 256;
        int in = 512;
        long aspp = in * c + 3L * 9 * in * c + in * c + 5L * c * c + 6L * 2 * c;
        long low = 64L * 48 + 2 * 48;
        long paper = aspp + low + 9L * (c + 48) * c + 2 * c + c * 6L + 6;
        assertThat(decoderAndHead(ModelSpec.of("deeplabv3plus-resnet18", "static", 3, 6)))
                .isEqualTo(paper);
        long separableAspp = in * c + 3L * (9L * in + (long) in * c) + in * c + 5L * c * c
                + 6L * 2 * c;
        long smp = separableAspp + (9L * c + (long) c * c + 2 * c) + low
                + (9L * (c + 48) + (c + 48L) * c + 2 * c) + c * 6L + 6;
        assertThat(decoderAndHead(ModelSpec.of("deeplabv3plus-resnet18", "static", 3, 6)
                .withOption("variant", "smp"))).isEqualTo(smp);
    }

    private static long decoderAndHead(ModelSpec spec) {
        return CostTable.count(spec, 64, 64).report().entries().stream()
                .filter(e -> !e.key().startsWith("encoder.")).mapToLong(CostEntry::params).sum();
    }

    @Test
    void deeplabBaselineReproducesThePaper() {
        // Paper Table 1: DeepLabV3+ (ResNet18) 16.53M parameters, 31.56G MAdds at 512 x 512.
        CostTable.Counted c = CostTable.count(ModelSpec.of("deeplabv3plus-resnet18", "static", 3,
                6), 512, 512);
        assertThat(c.report().madds()).isEqualTo(31_562_268_672L);
        assertThat(CostRow.millions(c.report().params() + c.classifierParams()))
                .isEqualTo("16.53M");
    }

    @Test
    void mobilenetFadconvExtrasReproduceThePaper() {
        // Paper Table 1: MobileNetV2 + FDConv(4x, p=16): 3.67M -> 10.95M params, +138.70M MAdds
        List<CostRow> rows = CostTable.rows(ModelSpec.of("mobilenetv2-unet", "static", 3, 6),
                List.of(ConvSpec.parse("static"), ConvSpec.parse("fadconv:k=4,p=16")), 512, 512);
        CostRow fad = rows.get(1);
        assertThat(fad.eq5Extra() / 1e6).isCloseTo(138.70, within(0.05));
        assertThat((fad.params() - rows.get(0).params()) / 1e6).isCloseTo(10.95 - 3.67,
                within(0.01));
        // what we compute differs from Eq. 5 (truncated DCT, fusion network, mixing by part)
        assertThat(fad.extra()).isEqualTo(fad.extraByPart().values().stream()
                .mapToLong(Long::longValue).sum());
    }

    @Test
    void extraOverTheBaselineIsWhatTheDynamicLayersAdd() {
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "static", 4, 1);
        List<CostRow> rows = CostTable.rows(spec, List.of(ConvSpec.parse("static"),
                ConvSpec.parse("fadconv"), ConvSpec.parse("fadconv:p=32")), 256, 128);
        assertThat(rows.get(0).extra()).isZero();
        for (CostRow r : rows.subList(1, 3)) {
            assertThat(r.extra()).isEqualTo(r.extraByPart().values().stream()
                    .mapToLong(Long::longValue).sum());
        }
        // p only changes the DCT: Eq. 5's difference is 2 C (32^3 - 16^3) summed over the layers
        SegmentationModel m = Models.create(spec.withConv(ConvSpec.parse("fadconv")));
        long channels = m.convs().stream().filter(c -> c.replaced())
                .mapToLong(c -> c.geometry().inChannels()).sum();
        assertThat(rows.get(2).eq5Extra() - rows.get(1).eq5Extra())
                .isEqualTo(2 * channels * (32L * 32 * 32 - 16 * 16 * 16));
        assertThat(rows.get(1).eq5ByTerm()).containsOnlyKeys("dct", "fat", "dynamic_kernel");
        assertThat(rows.get(1).extraText()).startsWith("+").endsWith("M");
    }

    @Test
    void countingNeedsAnInitialisedModelAndKnownBlocks() {
        SegmentationModel m = Models.create(ModelSpec.of("resnet18-unet", "static", 3, 6));
        assertThatThrownBy(() -> CostCounter.count(m, new Shape(1, 3, 64, 64)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("initialize");
        Block unknown = new ai.djl.nn.ParallelBlock(list -> list.get(0),
                List.of(Linear.builder().setUnits(2).build()));
        unknown.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        assertThatThrownBy(() -> CostCounter.count(unknown, new Shape(1, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ParallelBlock").hasMessageContaining("Traceable");
    }

    @Test
    void formatsLikeThePaper() {
        assertThat(CostRow.signed(58_870_000L)).isEqualTo("+58.87M");
        assertThat(CostRow.signed(1_040_000_000L)).isEqualTo("+1.04G");
        assertThat(CostRow.millions(17_970_000L)).isEqualTo("17.97M");
        String table = CostTable.format(CostTable.rows(ModelSpec.of("resnet18x0.25-unet",
                "static", 4, 1), List.of(ConvSpec.parse("static"), ConvSpec.parse("fadconv")),
                64, 64));
        assertThat(table.lines()).hasSize(3);
        assertThat(table).contains("Params(+fc)", "fadconv", "aggregation");
    }
}
