package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.workflow.BatchFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cna over many pairs and predict over a folder: bad inputs reported, the others mapped. */
class BatchCommandsTest {

    @TempDir static Path tmp;
    static BatchFixture fx;

    @BeforeAll
    static void setUp() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
    }

    static String[] cna(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("cna", "--run", fx.run.toString(),
                "--out", out.toString(), "--window", "128", "--margin", "32", "--batch", "2",
                "--mmu", "4"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void cnaOverPairsMapsTheGoodOnesReportsTheBadOneAndResumes() throws Exception {
        Path out = tmp.resolve("batch");
        CliRun r = CliRun.of(cna(out, "--pairs", fx.csv.toString()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).as(r.err()).containsExactly("fadconv: error: 1 of 4 "
                + "pairs failed (shifted); the others are mapped; see " + out.resolve("summary.csv"));
        assertThat(r.out()).contains("4 pair(s)", "  a: mapped in", "  shifted: FAILED: ",
                "has its origin at", "3 mapped, 0 reused, 1 failed", "region north", "total");
        for (String id : List.of("a", "b", "c")) {
            assertThat(out.resolve(id + "/change.tif")).isRegularFile();
            assertThat(out.resolve(id + "/change.png")).isRegularFile();
        }
        assertThat(out.resolve("shifted")).doesNotExist();
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary.get(3)).startsWith("pair,shifted,south,failed,");

        CliRun again = CliRun.of(cna(out, "--pairs", fx.csv.toString(), "--resume"));
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.out()).contains("  a: complete from an earlier run",
                "0 mapped, 3 reused, 1 failed");
        assertThat(Files.readAllLines(out.resolve("summary.csv")).get(1))
                .isEqualTo(summary.get(1).replace(",mapped,", ",reused,"));
    }

    @Test
    void cnaOverTwoFoldersPairsScenesByName() throws Exception {
        Path t1 = Files.createDirectories(tmp.resolve("t1"));
        Path t2 = Files.createDirectories(tmp.resolve("t2"));
        Path scenes = fx.dir.resolve("scenes");
        Files.copy(scenes.resolve("a_t1.tif"), t1.resolve("a.tif"));
        Files.copy(scenes.resolve("a_t2.tif"), t2.resolve("a.tif"));
        Files.copy(scenes.resolve("b_t1.tif"), t1.resolve("b.tif"));
        Path out = tmp.resolve("folders");
        CliRun r = CliRun.of(cna(out, "--before-dir", t1.toString(), "--after-dir",
                t2.toString()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("  a: mapped in", "  b: FAILED: after file "
                + t2.resolve("b.tif") + ": no such file");
        assertThat(out.resolve("a/change.tif")).isRegularFile();
    }

    @Test
    void batchOptionsAreCheckedInOneLine() {
        CliRun spark = CliRun.of(cna(tmp.resolve("s"), "--pairs", fx.csv.toString(), "--spark",
                "local[2]"));
        assertThat(spark.code()).isEqualTo(1);
        assertThat(spark.err()).startsWith("fadconv: error: the spark engine is not on the class "
                + "path: run through ./fadconv").hasLineCount(1);
        CliRun resume = CliRun.of("cna", "--run", fx.run.toString(), "--before", "a.tif",
                "--after", "b.tif", "--out", tmp.resolve("x").toString(), "--resume");
        assertThat(resume.err()).isEqualTo("fadconv: error: --resume and --spark are for many "
                + "pairs: give --pairs pairs.csv or --before-dir/--after-dir"
                + System.lineSeparator());
        CliRun dup = CliRun.of(cna(tmp.resolve("d"), "--pairs", write("dup.csv",
                "id,before,after\na,x.tif,y.tif\na,z.tif,w.tif\n").toString()));
        assertThat(dup.err()).contains("pair id 'a' is used twice").hasLineCount(1);
        assertThat(tmp.resolve("d")).doesNotExist();
    }

    static Path write(String name, String text) {
        try {
            return Files.writeString(tmp.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void predictOnAFolderMapsEveryGoodSceneAndReportsTheBadOnes() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("scenes-in"));
        Path scenes = fx.dir.resolve("scenes");
        Files.copy(scenes.resolve("a_t1.tif"), in.resolve("a.tif"));
        Files.writeString(in.resolve("b.tif"), "not an image");
        Files.copy(scenes.resolve("c_t1.tif"), in.resolve("c.tif"));
        Path out = tmp.resolve("maps");
        CliRun r = CliRun.of("predict", "--run", fx.run.toString(), "--in", in.toString(),
                "--out", out.toString(), "--window", "128", "--margin", "32");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).containsExactly("fadconv: error: 1 of 3 scenes "
                + "could not be mapped (b.tif); the others are; see " + out.resolve("summary.csv"));
        assertThat(out.resolve("a.tif")).isRegularFile();
        assertThat(out.resolve("c.tif")).as("the scene after the bad one is mapped too")
                .isRegularFile();
        assertThat(out.resolve("c.png")).isRegularFile();
        assertThat(out.resolve("b.tif")).doesNotExist();
        assertThat(r.out()).contains(in.resolve("b.tif") + ": FAILED: " + in.resolve("b.tif")
                + ": not a TIFF file", "2 of 3 scene(s) mapped");
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary).hasSize(4);
        assertThat(summary.get(2)).startsWith(in.resolve("b.tif") + ",,failed,");
        assertThat(summary.get(3)).startsWith(in.resolve("c.tif") + "," + out.resolve("c.tif")
                + ",mapped,,160,128,");
    }
}
