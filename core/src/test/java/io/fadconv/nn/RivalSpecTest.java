package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.nn.Block;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec vocabulary of the rivals: parsing, round trips, errors and the factory. */
class RivalSpecTest {

    @Test
    void everyRivalIsInTheVocabulary() {
        assertThat(Convs.types()).extracting(Convs.Type::name)
                .contains("static", "fadconv", "dyconv", "odconv", "kw", "fodconv", "fkw");
        assertThat(Convs.type("kw").keys()).extracting(Convs.Key::name).containsExactly("b", "r");
        assertThat(Convs.type("fkw").keys()).extracting(Convs.Key::name)
                .containsExactly("b", "r", "p", "n", "h", "fusion");
        assertThat(Convs.type("odconv").keys()).extracting(Convs.Key::name)
                .containsExactly("k", "r", "t");
        assertThat(Convs.type("fodconv").keys()).extracting(Convs.Key::name)
                .containsExactly("k", "r", "t", "p", "n", "h", "fusion");
        assertThat(Convs.type("dyconv").keys()).extracting(Convs.Key::name)
                .containsExactly("k", "r", "t");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "dyconv; dyconv",
        "dyconv:t=34,k=4; dyconv:k=4,t=34",
        "DYCONV:k=2; dyconv:k=2",
        "odconv:k=4,r=0.0625,t=30; odconv:k=4,r=0.0625,t=30",
        "kw:r=0.0625,b=4; kw:b=4,r=0.0625",
        "kw:b=0.5; kw:b=0.5",
        "fodconv:k=4,p=16; fodconv:k=4,p=16",
        "fkw:fusion=abs,b=4,p=16,n=2,h=1; fkw:b=4,p=16,n=2,h=1,fusion=abs"})
    void parsesToCanonicalFormAndRoundTrips(String text, String canonical) {
        ConvSpec s = ConvSpec.parse(text);
        assertThat(s.toString()).isEqualTo(canonical);
        assertThat(ConvSpec.parse(s.toString())).isEqualTo(s);
    }

    @Test
    void defaultsAreThePublishedOnes() {
        ConvSpec dy = ConvSpec.parse("dyconv");
        assertThat(dy.intValue("k")).isEqualTo(4);
        assertThat(dy.value("r")).isEqualTo("0.25");
        assertThat(dy.floatValue("t")).isEqualTo(34f);
        ConvSpec od = ConvSpec.parse("odconv");
        assertThat(od.value("r")).isEqualTo("0.0625");
        assertThat(od.floatValue("t")).isEqualTo(30f);
        assertThat(ConvSpec.parse("kw").value("b")).isEqualTo("4");
        assertThat(ConvSpec.parse("fkw").intValue("p")).isEqualTo(16);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "kw:k=4; unknown key 'k' for kw; valid keys: b, r",
        "dyconv:b=4; unknown key 'b' for dyconv; valid keys: k, r, t",
        "kw:b=3.5; invalid kw option b=3.5; allowed: parameter budget",
        "kw:b=0.3; invalid kw option b=0.3",
        "kw:b=0; invalid kw option b=0",
        "odconv:r=0; invalid odconv option r=0; allowed: reduction",
        "odconv:r=2; invalid odconv option r=2",
        "odconv:t=-1; invalid odconv option t=-1",
        "odconv:k=0; invalid odconv option k=0",
        "fodconv:fusion=max; invalid fodconv option fusion=max; allowed: frequency fusion: net",
        "fkw:p=x; invalid fkw option p=x",
        "dynconv:k=4; unknown convolution type 'dynconv'; valid types: static, fadconv, dyconv"})
    void badSpecsAreOneLineErrorsListingWhatIsValid(String text, String message) {
        assertThatThrownBy(() -> ConvSpec.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void factoryBuildsTheNamedLayerWithItsOptions() {
        ConvGeometry g = new ConvGeometry(16, 32, 3, 2, 1, 1, 1, false);
        Block dy = Convs.create(ConvSpec.parse("dyconv:k=3,t=10"), g);
        assertThat(dy).isInstanceOf(DyConv.class);
        assertThat(((DyConv) dy).getExperts()).isEqualTo(3);
        assertThat(((DyConv) dy).getTemperature()).isEqualTo(10f);
        assertThat(((DyConv) dy).getStride().get(0)).isEqualTo(2);
        OdConv od = (OdConv) Convs.create(ConvSpec.parse("odconv:r=0.125"), g);
        assertThat(od.getReduction()).isEqualTo(0.125);
        assertThat(od.getTemperature()).as("built as the official module").isEqualTo(1f);
        assertThat(od.schedule().orElseThrow().initial()).as("training's start").isEqualTo(30f);
        OdConv od5 = (OdConv) Convs.create(ConvSpec.parse("odconv:t=5"), g);
        assertThat(od5.getTemperature()).isEqualTo(1f);
        assertThat(od5.schedule().orElseThrow().initial()).isEqualTo(5f);
        OdConv fod = (OdConv) Convs.create(ConvSpec.parse("fodconv:p=8,n=2"), g);
        assertThat(fod.toString()).contains("FAT(p=8, n=2, h=0, fusion=net)");
        KernelWarehouse kw = (KernelWarehouse) Convs.create(ConvSpec.parse("kw:b=1"), g);
        assertThat(kw.getWarehouse().config()).isEqualTo(new Warehouse.Config(1, 1));
        assertThat(kw.getTemperature()).as("built as the official module").isEqualTo(0f);
        assertThat(kw.schedule().orElseThrow().initial()).as("training's start").isEqualTo(1f);
        KernelWarehouse half = (KernelWarehouse) Convs.create(ConvSpec.parse("kw:b=0.5"), g);
        assertThat(half.getWarehouse().config()).isEqualTo(new Warehouse.Config(0.5, 0.5));
        KernelWarehouse fkw = (KernelWarehouse) Convs.create(ConvSpec.parse("fkw:p=8,h=2"), g);
        assertThat(fkw.toString()).contains("FAT(p=8, n=4, h=2, fusion=net)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"odconv", "fodconv"})
    void odConvRefusesABias(String spec) {
        assertThatThrownBy(() -> Convs.create(ConvSpec.parse(spec),
                new ConvGeometry(8, 8, 3, 1, 1, 1, 1, true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(spec + " has no bias");
    }

    @Test
    void builderErrorsNameTheField() {
        assertThatThrownBy(() -> KernelWarehouse.builder().setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).build())
                .hasMessageContaining("inChannels must be >= 1");
        assertThatThrownBy(() -> KernelWarehouse.builder().optExperts(4))
                .hasMessageContaining("optBudget");
        assertThatThrownBy(() -> KernelWarehouse.builder().setInChannels(8).setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).optTemperature(2f).build())
                .hasMessageContaining("must be in [0, 1]");
        assertThatThrownBy(() -> KernelWarehouse.builder().setInChannels(8).setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).optAnnealFrom(2f).build())
                .hasMessageContaining("annealFrom (the assignment weight training starts from) "
                        + "must be in [0, 1], got 2.0");
        assertThatThrownBy(() -> OdConv.builder().setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).optAnnealFrom(-1f).build())
                .hasMessageContaining("annealFrom must be a finite number >= 0");
        assertThatThrownBy(() -> OdConv.builder().setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).optReduction(0).build())
                .hasMessageContaining("reduction must be in (0, 1]");
        assertThatThrownBy(() -> DyConv.builder().setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).optTemperature(0).build())
                .hasMessageContaining("temperature must be a positive");
        assertThatThrownBy(() -> new Warehouse.Config(1.5, 1))
                .hasMessageContaining("budget b must be an integer >= 1 or 1/n");
        assertThatThrownBy(() -> KernelWarehouse.builder().setInChannels(6).setFilters(8)
                .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).optGroups(4).build())
                .hasMessageContaining("divisible by groups");
    }

    @Test
    void standaloneAndNetworkContextsDiffer() {
        assertThat(ConvContext.standalone().isStandalone()).isTrue();
        assertThat(new ConvContext().isStandalone()).isFalse();
        ConvGeometry g = ConvGeometry.same(8, 8, 3, 1);
        KernelWarehouse a = (KernelWarehouse) Convs.create(ConvSpec.parse("kw"), g);
        KernelWarehouse b = (KernelWarehouse) Convs.create(ConvSpec.parse("kw"), g);
        assertThat(a.getWarehouse()).isNotSameAs(b.getWarehouse());
        assertThat(a.ownsWarehouse()).isTrue();
        ConvContext ctx = new ConvContext();
        KernelWarehouse c = (KernelWarehouse) Convs.create(ConvSpec.parse("kw"), g, ctx);
        assertThat(c.ownsWarehouse()).isFalse();
        assertThat(c.getWarehouse().name()).isEqualTo("default");
        assertThat(List.copyOf(KernelWarehouse.manager(ctx).warehouses()))
                .containsExactly(c.getWarehouse());
    }
}
