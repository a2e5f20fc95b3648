package io.fadconv.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.ClassScheme;
import io.fadconv.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunInfoTest {

    @TempDir Path dir;

    @Test
    void roundTripsThroughRunJson() throws IOException {
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", "fadconv:k=4,p=8", 4, 1)
                .withOption("decoder", "64/32/16/8/4");
        RunInfo info = new RunInfo(spec, "hicna", ClassScheme.HICNA, 256);
        info.save(dir.resolve("run.json"));
        RunInfo back = RunInfo.load(dir.resolve("run.json"));
        assertThat(back.model()).isEqualTo(spec);
        assertThat(back.dataset()).isEqualTo("hicna");
        assertThat(back.classes().names()).isEqualTo(ClassScheme.HICNA.names());
        assertThat(back.classes().colors()).containsExactly(ClassScheme.HICNA.colors());
        assertThat(back.classes().cropland()).isEqualTo(1);
        assertThat(back.tileSize()).isEqualTo(256);
        assertThat(back.binaryLogit()).isTrue();
        assertThat(back.windowOr(512)).isEqualTo(256);
    }

    @Test
    void aRunWithoutTileSizeFallsBackToTheDefaultWindow() throws IOException {
        RunInfo info = new RunInfo(ModelSpec.of("resnet18-unet", "static", 3, 6), "gid",
                ClassScheme.GID, 0);
        info.save(dir.resolve("run.json"));
        String json = Files.readString(dir.resolve("run.json")).replaceAll("\"tileSize\" : 0,", "");
        Files.writeString(dir.resolve("run.json"), json);
        assertThat(RunInfo.load(dir.resolve("run.json")).windowOr(512)).isEqualTo(512);
    }

    @Test
    void badRunsAreNamedErrors() throws IOException {
        assertThatThrownBy(() -> new RunInfo(ModelSpec.of("resnet18-unet", "static", 3, 5),
                "gid", ClassScheme.GID, 512))
                .hasMessageContaining("model has 5 outputs but the class scheme has 6 classes");
        assertThatThrownBy(() -> RunInfo.load(dir.resolve("missing.json")))
                .hasMessageContaining("is this a run folder made by 'fadconv train'?");
        Files.writeString(dir.resolve("run.json"), "{\"model\": {}}");
        assertThatThrownBy(() -> RunInfo.load(dir.resolve("run.json")))
                .hasMessageContaining("not a valid run.json (missing field 'name')");
    }
}
