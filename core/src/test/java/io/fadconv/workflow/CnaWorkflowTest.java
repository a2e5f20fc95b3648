package io.fadconv.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.TestRuns;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pair: a pair that cannot be compared is refused before either date is mapped. */
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
}
