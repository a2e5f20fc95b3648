package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {

    @TempDir Path tmp;

    static final Path L7 = Path.of("../core/src/test/resources/data/L7_ETMs.tif");

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void infoPrintsWhatGdalinfoShowsFirst() {
        CliRun r = run("info", L7.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Size: 349 x 352 (width x height), 6 band(s), Byte")
                .contains("Compression: DEFLATE")
                .contains("Layout: strips 349 x 3, pixel-interleaved")
                .contains("Coordinate system: EPSG:31985 (SIRGAS 2000 / UTM zone 25S)")
                .contains("Origin: (288776.250001, 9120760.750029)")
                .contains("Pixel size: (28.500000, -28.500000)")
                .contains("Raster type: PixelIsArea")
                .contains("NoData: none");
    }

    @Test
    void infoJson() throws Exception {
        CliRun r = run("info", "--json", L7.toString());
        assertThat(r.code()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("width").asInt()).isEqualTo(349);
        assertThat(j.get("bands").asInt()).isEqualTo(6);
        assertThat(j.get("epsg").asInt()).isEqualTo(31985);
        assertThat(j.get("geoTransform").get(1).asDouble()).isBetween(28.4999, 28.5001);
        assertThat(j.get("nodata").isNull()).isTrue();
    }

    @Test
    void badFilesAreOneLineErrors() throws Exception {
        Path bad = tmp.resolve("bad.tif");
        Files.write(bad, new byte[] {'I', 'I', 42, 0, 99, 0, 0, 0});
        CliRun r = run("info", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("fadconv: error: " + bad + ": truncated or corrupt TIFF: the "
                + "image directory lies at bytes 99..101 but the file has 8 bytes"
                + System.lineSeparator());
        CliRun missing = run("info", tmp.resolve("none.tif").toString());
        assertThat(missing.err()).startsWith("fadconv: error: file not found: ");
        assertThat(missing.err().lines()).hasSize(1);
    }

    @Test
    void synthWritesTheDatasetAndRefusesToOverwrite() {
        Path out = tmp.resolve("synth");
        CliRun r = run("synth", "--out", out.toString(), "--scenes", "1", "--size", "128",
                "--tile", "64", "--parts", "gid,hicna");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Wrote " + out).contains("Hi-CNA layout: 4 tiles of 64 x 64");
        assertThat(out.resolve("gid/image/scene_000.tif")).exists();
        assertThat(out.resolve("hicna/t2/label/scene_000_64_64.tif")).exists();
        assertThat(out.resolve("gid-t2")).doesNotExist();
        CliRun again = run("synth", "--out", out.toString(), "--size", "128", "--tile", "64");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("already exists; choose another folder or replace it");
        Path w = tmp.resolve("workers");
        CliRun workers = run("synth", "--out", w.toString(), "--scenes", "2", "--size", "64",
                "--tile", "32", "--parts", "gid", "--workers", "2");
        assertThat(workers.code()).as(workers.err()).isZero();
        assertThat(workers.err()).isEmpty();
        CliRun old = run("synth", "--out", tmp.resolve("old").toString(), "--scenes", "2",
                "--size", "64", "--tile", "32", "--parts", "gid", "--threads", "2");
        assertThat(old.code()).as(old.err()).isZero();
        assertThat(old.err()).isEqualTo("fadconv: warning: synth --threads is now --workers "
                + "(scenes written in parallel)" + System.lineSeparator());
        assertThat(tmp.resolve("old/gid/image/scene_001.tif")).hasSameBinaryContentAs(
                w.resolve("gid/image/scene_001.tif"));
        CliRun bad = run("synth", "--out", tmp.resolve("x").toString(), "--parts", "gid,roads");
        assertThat(bad.err()).isEqualTo("fadconv: error: --parts: unknown part 'roads'; allowed: "
                + "gid, gid-t2, change, hicna" + System.lineSeparator());
    }
}
