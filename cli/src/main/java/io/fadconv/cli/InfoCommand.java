package io.fadconv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.util.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fadconv info FILE}: what gdalinfo shows first, for a GeoTIFF or PNG. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describes a raster like gdalinfo: size, bands, sample type, compression, "
                + "tiling, origin and pixel size (or the full transform), EPSG code, nodata.")
final class InfoCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .tif/.tiff or .png file.")
    Path file;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        RasterInfo info;
        try (RasterReader r = RasterReader.open(file)) {
            info = r.info();
            Warnings.print(spec.commandLine().getErr(), file, r.warnings());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(file, info) : text(file, info));
        out.flush();
        return 0;
    }

    static String text(Path file, RasterInfo i) {
        StringBuilder sb = new StringBuilder();
        line(sb, "File: %s", file);
        line(sb, "Size: %d x %d (width x height), %d band(s), %s", i.width(), i.height(), i.bands(),
                i.sampleType().gdalName());
        line(sb, "Compression: %s%s", i.compressionName(),
                i.predictor() == 2 ? " (horizontal predictor)"
                        : i.predictor() == 3 ? " (floating-point predictor)" : "");
        if (i.bigTiff()) {
            line(sb, "Format: BigTIFF");
        }
        line(sb, "Layout: %s %d x %d, %s, %s", i.tiled() ? "tiles" : "strips", i.blockWidth(),
                i.blockHeight(), i.bandInterleaved() ? "band-interleaved" : "pixel-interleaved",
                i.photometricName());
        GeoReference g = i.geo();
        line(sb, "Coordinate system: %s", g.crs().describe());
        if (g.geoTransform().isPresent()) {
            double[] t = g.geoTransform().get();
            if (t[2] == 0 && t[4] == 0) {
                line(sb, "Origin: (%.6f, %.6f)", t[0], t[3]);
                line(sb, "Pixel size: (%.6f, %.6f)", t[1], t[5]);
            } else {
                line(sb, "GeoTransform: %.6f, %.6f, %.6f / %.6f, %.6f, %.6f", t[0], t[1], t[2],
                        t[3], t[4], t[5]);
            }
            if (g.transformation().length == 16) {
                double[] m = g.transformation();
                line(sb, "ModelTransformation:");
                for (int r = 0; r < 4; r++) {
                    line(sb, "  %14.6f %14.6f %14.6f %14.6f", m[4 * r], m[4 * r + 1], m[4 * r + 2],
                            m[4 * r + 3]);
                }
            }
            line(sb, "Raster type: %s", g.isPixelIsPoint() ? "PixelIsPoint" : "PixelIsArea");
        } else {
            line(sb, "Georeferencing: none");
        }
        line(sb, "NoData: %s", i.nodata().isPresent()
                ? RasterInfo.formatNodata(i.nodata().getAsDouble()) : "none");
        if (i.colorMap() != null) {
            line(sb, "Colour table: 256 entries");
        }
        return sb.toString();
    }

    static String json(Path file, RasterInfo i) throws IOException {
        ObjectNode o = Json.object();
        o.put("file", file.toString());
        o.put("width", i.width());
        o.put("height", i.height());
        o.put("bands", i.bands());
        o.put("sampleType", i.sampleType().gdalName());
        o.put("compression", i.compressionName());
        o.put("predictor", i.predictor());
        o.put("tiled", i.tiled());
        o.putArray("block").add(i.blockWidth()).add(i.blockHeight());
        o.put("interleave", i.bandInterleaved() ? "band" : "pixel");
        o.put("photometric", i.photometricName());
        GeoReference g = i.geo();
        if (g.epsg().isPresent()) {
            o.put("epsg", g.epsg().getAsInt());
        } else {
            o.putNull("epsg");
        }
        o.put("bigTiff", i.bigTiff());
        o.set("crs", CrsJson.of(g.crs()));
        if (g.geoTransform().isPresent()) {
            ArrayNode t = o.putArray("geoTransform");
            for (double v : g.geoTransform().get()) {
                t.add(v);
            }
            o.put("rasterType", g.isPixelIsPoint() ? "PixelIsPoint" : "PixelIsArea");
        } else {
            o.putNull("geoTransform");
        }
        if (g.transformation().length == 16) {
            ArrayNode t = o.putArray("modelTransformation");
            for (double v : g.transformation()) {
                t.add(v);
            }
        }
        if (i.nodata().isPresent()) {
            double nd = i.nodata().getAsDouble();
            if (Double.isFinite(nd)) {
                o.put("nodata", nd);
            } else {
                o.put("nodata", RasterInfo.formatNodata(nd));
            }
        } else {
            o.putNull("nodata");
        }
        o.put("colorTable", i.colorMap() != null);
        return Json.pretty(o) + "\n";
    }

    private static void line(StringBuilder sb, String fmt, Object... args) {
        sb.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }
}
