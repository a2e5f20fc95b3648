package io.fadconv.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.HeaderReads;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predict's scenes: one scene is checked and mapped through one open file (its header read
 * once); a folder's scenes are all checked before any is mapped, each header read once too.
 */
class BatchPredictTest {

    @TempDir static Path tmp;
    static BatchFixture fx;

    @BeforeAll
    static void fixture() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
    }

    /** A copy of a fixture scene that the test may delete. */
    static Path copy(String scene, String name) throws Exception {
        return Files.copy(fx.dir.resolve("scenes").resolve(scene), tmp.resolve(name));
    }

    @Test
    void oneSceneIsMappedThroughTheFileItsCheckOpened() throws Exception {
        Path scene = copy("a_t1.tif", "one.tif");
        Path map = tmp.resolve("one-classes.tif");
        CnaJob job = fx.job(tmp.resolve("unused"));
        List<BatchPredict.Outcome> seen = new ArrayList<>();
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions)) {
            // The check unlinks the file; only a reader opened before can still map it.
            List<BatchPredict.Outcome> o = BatchPredict.run(run,
                    List.of(new BatchPredict.Scene(scene, map)), false, ProgressListener.NONE,
                    seen::add, open -> Files.delete(open.file()));
            assertThat(o.get(0).error()).isEmpty();
            assertThat(o.get(0).result().width()).isEqualTo(BatchFixture.WIDTH);
        }
        assertThat(scene).doesNotExist();
        assertThat(GeoTiffReader.info(map).height()).isEqualTo(BatchFixture.HEIGHT);
        assertThat(seen).hasSize(1);
    }

    @Test
    void aFoldersScenesAreAllCheckedBeforeAnyIsMapped() throws Exception {
        List<BatchPredict.Scene> scenes = List.of(
                new BatchPredict.Scene(copy("a_t1.tif", "f1.tif"), tmp.resolve("f1-classes.tif")),
                new BatchPredict.Scene(copy("b_t1.tif", "f2.tif"), tmp.resolve("f2-classes.tif")));
        List<Path> checked = new ArrayList<>();
        CnaJob job = fx.job(tmp.resolve("unused"));
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions)) {
            List<BatchPredict.Outcome> o = BatchPredict.run(run, scenes, false,
                    (done, total, what) -> assertThat(checked).as("checked before mapping")
                            .hasSize(2),
                    r -> { }, open -> checked.add(open.file()));
            assertThat(o).allSatisfy(r -> assertThat(r.error()).isEmpty());
        }
        assertThat(checked).containsExactly(scenes.get(0).scene(), scenes.get(1).scene());
    }

    @Test
    void aFoldersScenesHaveTheirHeadersReadOnceForTheCheckAndTheMapping() throws Exception {
        List<BatchPredict.Scene> scenes = List.of(
                new BatchPredict.Scene(copy("a_t1.tif", "once1.tif"), tmp.resolve("once1-c.tif")),
                new BatchPredict.Scene(copy("b_t1.tif", "once2.tif"), tmp.resolve("once2-c.tif")),
                new BatchPredict.Scene(copy("c_t1.tif", "once3.tif"), tmp.resolve("once3-c.tif")));
        CnaJob job = fx.job(tmp.resolve("unused"));
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions);
                HeaderReads reads = HeaderReads.count()) {
            List<BatchPredict.Outcome> o = BatchPredict.run(run, scenes, false,
                    ProgressListener.NONE, r -> { }, SceneCheck.Further.NONE);
            assertThat(o).allSatisfy(r -> assertThat(r.error()).isEmpty());
            for (BatchPredict.Scene s : scenes) {
                assertThat(reads.of(s.scene())).as("headers of %s read", s.scene()).isEqualTo(1);
            }
        }
    }
}
