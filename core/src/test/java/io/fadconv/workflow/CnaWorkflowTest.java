package io.fadconv.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.HeaderReads;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneCheck;
import io.fadconv.infer.TestRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pair: a pair that cannot be compared is refused before either date is mapped; a good one
 * is checked, mapped and drawn with each scene's header read once.
 */
class CnaWorkflowTest {

    @TempDir static Path tmp;
    static BatchFixture fx;

    @BeforeAll
    static void fixture() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
    }

    @Test
    void aBadPairIsRefusedBeforeAnythingIsMapped() throws Exception {
        Path scenes = fx.dir.resolve("scenes");
        Path rgb = tmp.resolve("rgb_t2.tif");
        GeoTiffWriter.write(rgb, RasterSpec.of(BatchFixture.WIDTH, BatchFixture.HEIGHT, 3,
                SampleType.UINT16).withGeo(TestRuns.GEO),
                new float[3 * BatchFixture.WIDTH * BatchFixture.HEIGHT]);
        CnaJob job = fx.job(tmp.resolve("unused"));
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions)) {
            CnaFiles bands = new CnaFiles(tmp.resolve("bands"));
            assertThatThrownBy(() -> CnaWorkflow.scenes(run, scenes.resolve("a_t1.tif"), rgb,
                    Optional.empty(), job.cnaOptions(), bands, ProgressListener.NONE))
                    .hasMessage(rgb + ": has 3 band(s) but the run reads bands [0, 1, 2, 3] "
                            + "(0-based, from its normalization.json), so it needs at least 4");
            assertThat(bands.beforeClasses()).as("t1 was not mapped").doesNotExist();

            CnaFiles truth = new CnaFiles(tmp.resolve("truth"));
            assertThatThrownBy(() -> CnaWorkflow.scenes(run, scenes.resolve("s_t1.tif"),
                    scenes.resolve("s_t1.tif"), Optional.of(scenes.resolve("s_t2.tif")),
                    job.cnaOptions(), truth, ProgressListener.NONE))
                    .hasMessageContaining("s_t2.tif has its origin at");
            assertThat(truth.beforeClasses()).as("a truth off the grid: nothing mapped")
                    .doesNotExist();
        }
    }

    @Test
    void eachSceneOfAPairHasItsHeaderReadOnceForTheChecksTheMapsAndTheOverlay() throws Exception {
        Path scenes = fx.dir.resolve("scenes");
        Path before = scenes.resolve("a_t1.tif");
        Path after = scenes.resolve("a_t2.tif");
        Optional<Path> truth = Optional.of(scenes.resolve("a_truth.tif"));
        CnaJob job = fx.job(tmp.resolve("unused"));
        CnaFiles files = new CnaFiles(tmp.resolve("once"));
        List<Path> checked = new ArrayList<>();
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions);
                HeaderReads reads = HeaderReads.count()) {
            try (SceneCheck.Pair pair = SceneCheck.openPair(before, after, truth,
                    run.trained().normalization(), job.cnaOptions(),
                    scene -> checked.add(scene.file()))) {
                AreaStatistics s = CnaWorkflow.scenes(run, pair, truth, job.cnaOptions(), files,
                        ProgressListener.NONE);
                CnaWorkflow.overlayOn(files, s, pair.after(), null, "once");
            }
            assertThat(reads.of(before)).as("t1 headers read").isEqualTo(1);
            assertThat(reads.of(after)).as("t2 headers read").isEqualTo(1);

            CnaFiles byPath = new CnaFiles(tmp.resolve("once-by-path"));
            CnaWorkflow.scenes(run, before, after, truth, job.cnaOptions(), byPath,
                    ProgressListener.NONE);
            assertThat(reads.of(before)).as("one more read by the path form").isEqualTo(2);
        }
        assertThat(checked).as("the further check saw both scenes").containsExactly(before, after);
        assertThat(files.overlay()).exists();
    }
}
