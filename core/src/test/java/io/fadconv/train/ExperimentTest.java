package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.Djl;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.eval.MetricsFormat;
import io.fadconv.viz.ExperimentPlots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment of two tiny runs: the table, the charts, reuse of finished runs. */
class ExperimentTest {

    @TempDir
    static Path tmp;

    static TrainConfig base;

    @BeforeAll
    static void makeData() throws IOException {
        Djl.engine();
        Path data = tmp.resolve("synthetic");
        SyntheticDataset.generate(data, SyntheticConfig.demo(7).withTile(64).withScenes(1, 256)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID, SyntheticConfig.Part.HICNA)),
                false, 2, line -> { });
        base = TrainConfig.builder(data, "synthetic-hicna").set("model", "resnet18x0.25-unet")
                .set("tile", 64).set("batch", 4).set("epochs", 1).set("trainTiles", 8)
                .set("valTiles", 4).set("lr", 3e-3).set("seed", 1)
                .set("normSamples", 8).build();
    }

    @Test
    void tableChartsAndReuse() throws IOException {
        Path out = tmp.resolve("exp");
        List<String> started = new ArrayList<>();
        Experiment.Listener l = new Experiment.Listener() {
            @Override
            public void runStarting(int i, int n, String label, Path folder, boolean reused) {
                started.add(label + (reused ? " reused" : " trained"));
            }
        };
        Experiment.Result r = Experiment.run(base, List.of("static", "fadconv:k=2,p=8"), out,
                TrainLoop.Options.defaults(), l);
        assertThat(started).containsExactly("static trained", "fadconv:k=2,p=8 trained");
        assertThat(out.resolve("static").resolve("eval-test.json")).isRegularFile();
        assertThat(out.resolve("fadconv_k2_p8").resolve("best.params")).exists();
        Experiment.Entry s = r.entries().get(0);
        Experiment.Entry f = r.entries().get(1);
        assertThat(s.evaluation().part()).isEqualTo("test");
        assertThat(f.cost().extra()).isPositive();
        assertThat(s.cost512().madds()).isEqualTo(f.cost512().madds() - f.cost512().extra());
        assertThat(f.cost512().madds()).isGreaterThan(f.cost().madds());

        String md = ExperimentTable.markdown(r);
        assertThat(md).contains("SYNTHETIC").contains("1 epochs").contains("batch 4")
                .contains("| Model | OA | Acc | P | R | F1 | IoU | Params | MAdds (64 x 64) | "
                        + "MAdds (512 x 512)")
                .contains("| static | " + String.join(" | ",
                        MetricsFormat.cells(s.evaluation().metrics(), 1)) + " | "
                        + s.cost().paramsText() + " | " + s.cost().maddsText())
                .contains("| fadconv:k=2,p=8 | ").contains(f.cost().extraText())
                .contains(r.date().toString());
        Path saved = ExperimentTable.save(r, out);
        assertThat(saved).isRegularFile();
        assertThat(out.resolve("results.json")).isRegularFile();
        for (Path png : ExperimentPlots.write(r, out)) {
            var img = ImageIO.read(png.toFile());
            assertThat(img).as(png.toString()).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(500);
        }

        // Again: both runs are finished with the same config and are reused.
        started.clear();
        Experiment.Result again = Experiment.run(base, List.of("static", "fadconv:k=2,p=8"),
                out, TrainLoop.Options.defaults(), l);
        assertThat(started).containsExactly("static reused", "fadconv:k=2,p=8 reused");
        assertThat(again.entries().get(1).evaluation().metrics())
                .isEqualTo(f.evaluation().metrics());
        assertThat(ExperimentTable.markdown(again)).contains("static (reused)");

        // Another config in the same folders is refused, not silently mixed.
        assertThatThrownBy(() -> Experiment.run(base.toBuilder().set("seed", 2).build(),
                List.of("static"), out, TrainLoop.Options.defaults(), l))
                .hasMessageContaining("another config").hasMessageContaining("seed 1 vs 2");
        assertThatThrownBy(() -> Experiment.run(base, List.of("fadconv", "fadconv:k=4"), out,
                TrainLoop.Options.defaults(), l)).hasMessageContaining("given twice");
        assertThat(Files.list(out).count()).isGreaterThan(3);
    }

    @Test
    void ablationPresetsParse() {
        for (Ablations.Preset p : Ablations.all()) {
            assertThat(p.specs()).isNotEmpty();
            assertThat(p.convs().get(0)).isEqualTo("static");
        }
        assertThat(Ablations.get("pool").convs()).containsExactly("static", "fadconv:k=4,p=8",
                "fadconv:k=4,p=16", "fadconv:k=4,p=32");
        assertThatThrownBy(() -> Ablations.get("table9")).hasMessageContaining("rivals");
    }
}
