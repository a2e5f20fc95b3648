package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.data.raster.Gdal;
import io.fadconv.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code fadconv info} on files GDAL writes from the Landsat fixture either agrees with
 * {@code gdalinfo -json} / {@code gdalsrsinfo} or gives a one-line error naming the unsupported
 * feature. GDAL's tools are required (.ci/run installs gdal-bin).
 */
class InfoAgreesWithGdalTest {

    @TempDir Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "-co COMPRESS=LZW -co PREDICTOR=2 -co TILED=YES",
        "-co COMPRESS=ZSTD -co INTERLEAVE=BAND -co BIGTIFF=YES -a_nodata 0",
        "-b 1 -b 2 -b 3 -co COMPRESS=JPEG -co PHOTOMETRIC=YCBCR -co TILED=YES",
        "-ot Float32 -co COMPRESS=DEFLATE -co PREDICTOR=3 -a_nodata -1",
        "-co COMPRESS=PACKBITS -a_srs +proj=aea~+lat_1=25~+lat_2=47~+lat_0=0~+lon_0=105~+x_0=0~+y_0=0~+ellps=GRS80~+units=m -a_ullr 0 0 104700 -105600",
        "-of COG -co COMPRESS=DEFLATE -co BLOCKSIZE=64",
        "-co COMPRESS=DEFLATE -a_srs EPSG:4326 -a_ullr -35 -8 -34 -9"
    })
    void infoAgreesWithGdal(String options) throws Exception {
        Gdal.require();
        Path f = tmp.resolve("f.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        for (String o : options.split(" ")) { // '~' stands for a space inside one argument
            cmd.add(o.replace('~', ' '));
        }
        cmd.add(DataCommandsTest.L7.toString());
        cmd.add(f.toString());
        Gdal.run(cmd.toArray(String[]::new));
        JsonNode g = Gdal.info(f);
        JsonNode srs = Gdal.srs(f);
        CliRun r = CliRun.of("info", "--json", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = Json.MAPPER.readTree(r.out());
        assertThat(o.get("width").asInt()).isEqualTo(g.get("size").get(0).asInt());
        assertThat(o.get("height").asInt()).isEqualTo(g.get("size").get(1).asInt());
        assertThat(o.get("bands").asInt()).isEqualTo(g.get("bands").size());
        JsonNode band = g.get("bands").get(0);
        assertThat(o.get("sampleType").asText()).isEqualTo(band.get("type").asText());
        assertThat(o.get("block").get(0).asInt()).isEqualTo(band.get("block").get(0).asInt());
        JsonNode structure = g.get("metadata").get("IMAGE_STRUCTURE");
        assertThat(o.get("compression").asText())
                .isEqualTo(structure.path("COMPRESSION").asText("NONE"));
        assertThat(o.get("interleave").asText().toUpperCase(java.util.Locale.ROOT))
                .isEqualTo(structure.get("INTERLEAVE").asText());
        for (int i = 0; i < 6; i++) {
            assertThat(o.get("geoTransform").get(i).asDouble())
                    .isCloseTo(g.get("geoTransform").get(i).asDouble(),
                            org.assertj.core.data.Offset.offset(1e-9));
        }
        if (band.has("noDataValue")) {
            assertThat(o.get("nodata").asDouble()).isEqualTo(band.get("noDataValue").asDouble());
        } else {
            assertThat(o.get("nodata").isNull()).isTrue();
        }
        String kind = srs.get("type").asText().equals("ProjectedCRS") ? "projected" : "geographic";
        assertThat(o.get("crs").get("kind").asText()).isEqualTo(kind);
        if (srs.has("id")) {
            assertThat(o.get("epsg").asInt()).isEqualTo(srs.get("id").get("code").asInt());
        } else {
            assertThat(o.get("epsg").isNull()).isTrue();
            assertThat(o.get("crs").get("projection").get("method").asText())
                    .isEqualTo(srs.get("conversion").get("method").get("name").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "-ot Int32; unsupported sample type: 32-bit signed integer; supported: uint8, uint16, "
                + "int16, float32",
        "-co COMPRESS=LERC; unsupported compression LERC (34887); supported: none, LZW, Deflate, "
                + "PackBits, ZSTD, JPEG; convert with gdal_translate -co COMPRESS=DEFLATE IN.tif "
                + "OUT.tif",
        "-co COMPRESS=LZMA; unsupported compression LZMA (34925)"
    })
    void whatWeCannotReadIsAOneLineErrorNamingIt(String option, String message) throws Exception {
        Gdal.require();
        Path f = tmp.resolve("f.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        cmd.addAll(List.of(option.split(" ")));
        cmd.add(DataCommandsTest.L7.toString());
        cmd.add(f.toString());
        Gdal.run(cmd.toArray(String[]::new));
        Gdal.run("gdalinfo", f.toString()); // GDAL opens it
        CliRun r = CliRun.of("info", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("fadconv: error: " + f + ": " + message);
    }
}
