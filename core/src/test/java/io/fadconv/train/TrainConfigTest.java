package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.nn.ConvSpec;
import io.fadconv.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presets, validation and the JSON round trip of the training config. */
class TrainConfigTest {

    @TempDir
    Path tmp;

    @Test
    void presetsAreThePapersSettings() {
        TrainConfig gid = TrainConfig.builder(tmp, "gid").build();
        assertThat(List.of(gid.lr(), gid.weightDecay(), (double) gid.batch(),
                (double) gid.epochs(), (double) gid.tile())).containsExactly(1e-4, 1e-4, 24.0,
                        50.0, 512.0);
        assertThat(gid.loss()).isEqualTo(Loss.CE);
        assertThat(gid.splitFractions().keySet()).containsExactly("train", "val");
        assertThat(gid.modelSpec(3).classes()).isEqualTo(6);

        TrainConfig hicna = TrainConfig.builder(tmp, "hicna").build();
        assertThat(List.of(hicna.lr(), hicna.weightDecay(), (double) hicna.batch(),
                (double) hicna.epochs())).containsExactly(3e-4, 1e-4, 16.0, 50.0);
        assertThat(hicna.loss()).isEqualTo(Loss.BCE);
        assertThat(hicna.modelSpec(4).classes()).isEqualTo(1); // one logit
        assertThat(hicna.classScheme().classes()).isEqualTo(2);
        assertThat(hicna.splitFractions().keySet()).containsExactly("train", "val", "test");

        TrainConfig synth = TrainConfig.builder(tmp, "synthetic").preset("hicna")
                .set("loss", Loss.CE)
                .build();
        assertThat(synth.lr()).isEqualTo(3e-4);
        assertThat(synth.tile()).isEqualTo(512); // an explicit preset sets the paper's tile
        assertThat(TrainConfig.builder(tmp, "synthetic-hicna").build().tile()).isEqualTo(256);
    }

    @Test
    void jsonRoundTripAndFileFormat() throws Exception {
        TrainConfig c = TrainConfig.builder(tmp, "folder").set("labels", "ids").set("classes", 3)
                .set("model", "resnet18x0.25-unet").set("conv", ConvSpec.parse("fadconv:k=2,p=8"))
                .set("modelOptions", Map.of("decoder", "64/32/16/8/4"))
                .set("bands", List.of(2, 1, 0))
                .set("tile", 128).set("epochs", 3).set("batch", 2).set("lr", 1e-3)
                .set("weightDecay", 0).set("loss", Loss.CE).set("seed", 42)
                .set("trainTiles", 10).set("valTiles", 5).set("normSamples", 0).build();
        Path f = tmp.resolve("c.json");
        c.save(f);
        assertThat(TrainConfig.load(f)).isEqualTo(c);
        // config.json's format: a field per component, in component order, options sorted.
        assertThat(Files.readString(f)).isEqualTo(String.join("\n", "{",
                "  \"data\" : \"" + tmp.toAbsolutePath().normalize() + "\",",
                "  \"dataset\" : \"folder\",", "  \"labels\" : \"ids\",", "  \"classes\" : 3,",
                "  \"model\" : \"resnet18x0.25-unet\",", "  \"conv\" : \"fadconv:k=2,p=8\",",
                "  \"modelOptions\" : {", "    \"decoder\" : \"64/32/16/8/4\"", "  },",
                "  \"bands\" : [ 2, 1, 0 ],", "  \"tile\" : 128,", "  \"epochs\" : 3,",
                "  \"batch\" : 2,", "  \"lr\" : 0.001,", "  \"weightDecay\" : 0.0,",
                "  \"loss\" : \"ce\",", "  \"seed\" : 42,", "  \"trainTiles\" : 10,",
                "  \"valTiles\" : 5,", "  \"normSamples\" : 0", "}", ""));
        List<String> written = new java.util.ArrayList<>();
        c.toJson().fieldNames().forEachRemaining(written::add);
        assertThat(written).isEqualTo(TrainConfig.FIELDS);
        // A hand-written file needs only data and dataset; the rest comes from the preset.
        Files.writeString(f, "{\"data\": \"" + tmp + "\", \"dataset\": \"gid\", \"epochs\": 2}");
        TrainConfig minimal = TrainConfig.load(f);
        assertThat(minimal.epochs()).isEqualTo(2);
        assertThat(minimal.batch()).isEqualTo(24);
        Files.writeString(f, "{\"data\": \"x\", \"dataset\": \"gid\", \"epoch\": 2}");
        assertThatThrownBy(() -> TrainConfig.load(f)).hasMessageContaining("c.json")
                .hasMessageContaining("unknown field 'epoch'").hasMessageContaining("epochs");
        Files.writeString(f, "{\"data\": \"x\", \"dataset\": \"gid\", \"batch\": 2.5}");
        assertThatThrownBy(() -> TrainConfig.load(f)).hasMessageContaining("'batch'");
        Files.writeString(f, "{\"data\": \"x\", \"dataset\": \"gid\", \"epochs\": \"2\"}");
        assertThatThrownBy(() -> TrainConfig.load(f)).as("a number written as a string")
                .hasMessageContaining("c.json").hasMessageContaining("'epochs'");
        Files.writeString(f, "{\"data\": \"x\", \"dataset\": \"gid\", \"loss\": \"mse\"}");
        assertThatThrownBy(() -> TrainConfig.load(f)).hasMessageContaining("unknown loss 'mse'");
        Files.writeString(f, "{not json");
        assertThatThrownBy(() -> TrainConfig.load(f)).hasMessageContaining("not valid JSON");
        assertThat(Json.MAPPER.readTree(c.toJsonString()).get("loss").asText())
                .isEqualTo("ce");
    }

    @Test
    void defaultsAndPresetsGiveTheDocumentedValues() {
        assertThat(TrainConfig.defaults().toString()).isEqualTo("{\"labels\":\"auto\","
                + "\"classes\":0,\"model\":\"resnet18-unet\",\"conv\":\"static\","
                + "\"modelOptions\":{},\"bands\":[],\"tile\":512,\"epochs\":50,\"batch\":24,"
                + "\"lr\":1.0E-4,\"weightDecay\":1.0E-4,\"loss\":\"ce\",\"seed\":0,"
                + "\"trainTiles\":0,\"valTiles\":0,\"normSamples\":256}");
        assertThat(TrainConfig.presetNames()).containsExactly("gid", "hicna");
        // Every field written out from the documentation (TrainConfig's javadoc: the paper's
        // sections 4.3 and 4.4; the record's defaults for the fields no preset names), through
        // the canonical constructor rather than the overlays the builder stacks.
        assertThat(TrainConfig.builder(tmp, "hicna").build()).isEqualTo(new TrainConfig(tmp,
                "hicna", "auto", 0, "resnet18-unet", ConvSpec.parse("static"), Map.of(),
                List.of(), 512, 50, 16, 3e-4, 1e-4, Loss.BCE, 0, 0, 0, 256));
        assertThat(TrainConfig.builder(tmp, "gid").build()).isEqualTo(new TrainConfig(tmp,
                "gid", "auto", 0, "resnet18-unet", ConvSpec.parse("static"), Map.of(),
                List.of(), 512, 50, 24, 1e-4, 1e-4, Loss.CE, 0, 0, 0, 256));
        assertThat(TrainConfig.builder(tmp, "synthetic-hicna").build()).as("the generator's "
                + "tile, the rest Hi-CNA's").isEqualTo(new TrainConfig(tmp, "synthetic-hicna",
                "auto", 0, "resnet18-unet", ConvSpec.parse("static"), Map.of(), List.of(), 256,
                50, 16, 3e-4, 1e-4, Loss.BCE, 0, 0, 0, 256));
        // An explicit preset overrides the kind's: the paper's Hi-CNA setting on GID-like data.
        assertThat(TrainConfig.builder(tmp, "synthetic").preset("hicna").set("loss", Loss.CE)
                .build()).isEqualTo(new TrainConfig(tmp, "synthetic", "auto", 0, "resnet18-unet",
                ConvSpec.parse("static"), Map.of(), List.of(), 512, 50, 16, 3e-4, 1e-4, Loss.CE,
                0, 0, 0, 256));
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("epoch", 3).build())
                .hasMessageContaining("unknown field 'epoch'; valid fields: data, dataset, "
                        + "labels");
    }

    @Test
    void sameTrainingComparesSpecsWithDefaultsFilledIn() {
        TrainConfig a = TrainConfig.builder(tmp, "hicna").set("conv", ConvSpec.parse("fadconv"))
                .build();
        TrainConfig b = a.withConv(ConvSpec.parse("fadconv:k=4,p=16,fusion=net"));
        TrainConfig c = a.withConv(ConvSpec.parse("fadconv:p=32"));
        assertThat(a.sameTraining(b)).isTrue();
        assertThat(a.sameTraining(c)).isFalse();
        assertThat(a.sameTraining(a.toBuilder().set("seed", 1).build())).isFalse();
        assertThat(TrainLoop.differences(a, a.toBuilder().set("lr", 1e-3).set("batch", 4).build()))
                .contains("lr 3.0E-4 vs 0.001").contains("batch 16 vs 4");
    }

    @Test
    void invalidSettingsNameTheFieldAndTheAllowedValues() {
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gidd").build())
                .hasMessageContaining("dataset").hasMessageContaining("gid, hicna, folder");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("loss", Loss.BCE).build())
                .hasMessageContaining("bce is for two classes").hasMessageContaining("--loss ce");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("tile", 500).build())
                .hasMessageContaining("tile").hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("lr", 0).build())
                .hasMessageContaining("lr");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("weightDecay", -1).build())
                .hasMessageContaining("wd");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("epochs", 0).build())
                .hasMessageContaining("epochs");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("model", "unet").build())
                .hasMessageContaining("resnet18-unet");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("classes", 2).build())
                .hasMessageContaining("gid has 6 classes");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("labels", "binary").build())
                .hasMessageContaining("only a folder dataset");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("bands", List.of(0, 0))
                .build())
                .hasMessageContaining("bands");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").set("batch", 8)
                .set("trainTiles", 4).build())
                .hasMessageContaining("smaller than one batch");
        assertThatThrownBy(() -> TrainConfig.builder(tmp, "gid").preset("coco"))
                .hasMessageContaining("gid, hicna");
        assertThatThrownBy(() -> TrainConfig.builder(null, "gid").build())
                .hasMessageContaining("--data");
    }
}
