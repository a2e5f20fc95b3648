package io.fadconv.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.nn.ConvSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Model specs validate names, options and sizes with errors that list what is valid. */
class ModelSpecTest {

    @Test
    void unknownModelListsTheValidNames() {
        assertThatThrownBy(() -> ModelSpec.of("resnet50-unet", "static", 3, 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model 'resnet50-unet'")
                .hasMessageContaining("resnet18-unet, resnet34-unet, resnet18x0.25-unet, "
                        + "mobilenetv2-unet, deeplabv3plus-resnet18");
    }

    @Test
    void optionsAreCheckedAgainstTheModel() {
        ModelSpec s = ModelSpec.of("ResNet18-UNet", "fadconv:p=32", 4, 2);
        assertThat(s.name()).isEqualTo("resnet18-unet");
        assertThat(s.option("decoder")).isEqualTo("auto");
        assertThat(s.option("replace")).isEqualTo("block");
        assertThatThrownBy(() -> s.withOption("rates", "6/12/18"))
                .hasMessageContaining("unknown key 'rates' for resnet18-unet")
                .hasMessageContaining("valid keys: width, decoder, interpolation, replace");
        assertThatThrownBy(() -> s.withOption("decoder", "256/128/64"))
                .hasMessageContaining("invalid resnet18-unet option decoder=256/128/64")
                .hasMessageContaining("five decoder channel counts");
        assertThatThrownBy(() -> s.withOption("replace", "block+stemm"))
                .hasMessageContaining("invalid resnet18-unet option replace=block+stemm")
                .hasMessageContaining("stem, block, downsample");
        assertThatThrownBy(() -> s.withOption("width", "0"))
                .hasMessageContaining("invalid resnet18-unet option width=0");
        assertThat(s.withOption("replace", "none").option("replace")).isEqualTo("none");
        assertThatThrownBy(() -> ModelSpec.of("deeplabv3plus-resnet18", "static", 3, 6)
                .withOption("stride", "32")).hasMessageContaining("16 or 8");
    }

    @Test
    void resolvedFormIgnoresWhetherDefaultsWereGiven() {
        ModelSpec a = ModelSpec.of("resnet18-unet", "static", 3, 6);
        ModelSpec b = a.withOption("interpolation", "nearest");
        assertThat(a.toString()).isNotEqualTo(b.toString());
        assertThat(a.resolvedString()).isEqualTo(b.resolvedString())
                .contains("width=1 decoder=auto interpolation=nearest replace=block");
    }

    @Test
    void sizesAndConvAreRequired() {
        assertThatThrownBy(() -> ModelSpec.of("resnet18-unet", "static", 0, 6))
                .hasMessageContaining("input channels must be >= 1, got 0");
        assertThatThrownBy(() -> ModelSpec.of("resnet18-unet", "static", 3, 0))
                .hasMessageContaining("classes must be >= 1, got 0");
        assertThatThrownBy(() -> new ModelSpec("resnet18-unet", null, 3, 6, Map.of()))
                .hasMessageContaining("convolution spec is required");
        assertThatThrownBy(() -> ModelSpec.of("resnet18-unet", "fadcon", 3, 6))
                .hasMessageContaining("unknown convolution type 'fadcon'");
    }

    @Test
    void replacementPolicyIsData() {
        SegmentationModel m = Models.create(ModelSpec.of("resnet18-unet", "fadconv", 3, 6)
                .withOption("replace", "block+downsample"));
        assertThat(m.convs()).filteredOn(ConvSite::replaced).extracting(ConvSite::role)
                .containsOnly(ConvRole.BLOCK, ConvRole.DOWNSAMPLE);
        assertThat(m.convs()).filteredOn(ConvSite::replaced).hasSize(16 + 3);
        SegmentationModel none = Models.create(ModelSpec.of("resnet18-unet", "fadconv", 3, 6)
                .withOption("replace", "none"));
        assertThat(none.convs()).noneMatch(ConvSite::replaced);
        SegmentationModel mb = Models.create(ModelSpec.of("mobilenetv2-unet", "fadconv", 3, 6));
        // 17 depthwise, 16 expansions, 17 projections, the last 1x1: all but the stem
        assertThat(mb.convs()).filteredOn(c -> c.key().startsWith("encoder."))
                .filteredOn(ConvSite::replaced).hasSize(17 + 16 + 17 + 1);
        assertThat(mb.convs().get(0).replaced()).isFalse();
        assertThat(mb.summary().toString()).contains("encoder.features.18.0", "pointwise",
                "fadconv");
        SegmentationModel dl = Models.create(ModelSpec.of("deeplabv3plus-resnet18", "fadconv", 3,
                6));
        assertThat(dl.convs()).filteredOn(ConvSite::replaced).extracting(ConvSite::role)
                .containsOnly(ConvRole.BLOCK, ConvRole.ASPP);
        assertThat(dl.convs()).filteredOn(c -> c.role() == ConvRole.ASPP).hasSize(6)
                .allMatch(c -> c.scope().equals("decoder.aspp"));
        assertThat(ConvSpec.parse("static").isStatic()).isTrue();
    }
}
