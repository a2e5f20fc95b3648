package io.fadconv.infer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Csv;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers of a cropland change detection: pixels and hectares per change code, cropland at
 * both dates, gains, what the minimum mapping unit removed and, with a true change mask, the
 * accuracy of the detected loss. Written as JSON ({@link #toJson}) and CSV ({@link #toCsv}).
 *
 * @param codes the change codes
 * @param area the ground area of a pixel
 * @param pixels pixels per change code (index = code, {@code codes.count()} entries), after the
 *     minimum mapping unit
 * @param nodataPixels pixels without data at either date
 * @param croplandBefore cropland pixels at t1 (where both dates have data)
 * @param croplandAfter cropland pixels at t2 (where both dates have data)
 * @param gainPixels pixels that became cropland
 * @param sieve what the minimum mapping unit did
 * @param metrics agreement with a true change mask, or null without one
 * @param inputs the files used, by role (before, after, truth, run ...)
 */
public record AreaStatistics(ChangeCodes codes, PixelArea area, long[] pixels, long nodataPixels,
        long croplandBefore, long croplandAfter, long gainPixels, Sieve sieve,
        ChangeMetrics metrics, Map<String, String> inputs) {

    /**
     * The minimum mapping unit's work.
     *
     * @param minPatch the unit in pixels (0 or 1: off)
     * @param connectivity 4 or 8
     * @param patches loss patches before sieving (0 when off: not counted)
     * @param removedPatches patches removed
     * @param removedPixels pixels removed (they count as no loss)
     */
    public record Sieve(int minPatch, int connectivity, long patches, long removedPatches,
            long removedPixels) {}

    /** Validates and copies. */
    public AreaStatistics {
        pixels = pixels.clone();
        if (pixels.length != codes.count()) {
            throw new IllegalArgumentException("need " + codes.count() + " code counts, got "
                    + pixels.length);
        }
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /**
     * The same numbers with other provenance.
     *
     * @param in the files used, by role
     * @return a copy
     */
    public AreaStatistics withInputs(Map<String, String> in) {
        return new AreaStatistics(codes, area, pixels, nodataPixels, croplandBefore,
                croplandAfter, gainPixels, sieve, metrics, in);
    }

    @Override
    public long[] pixels() {
        return pixels.clone();
    }

    /** @return cropland loss pixels, all new classes together */
    public long lossPixels() {
        long s = 0;
        for (int c = ChangeCodes.FIRST_LOSS; c < pixels.length; c++) {
            s += pixels[c];
        }
        return s;
    }

    /** @return pixels with data at both dates */
    public long validPixels() {
        long s = 0;
        for (long p : pixels) {
            s += p;
        }
        return s;
    }

    /**
     * Hectares of a pixel count.
     *
     * @param count pixels
     * @return hectares
     */
    public double hectares(long count) {
        return area.hectares(count);
    }

    /**
     * A pixel count as a percentage of t1 cropland.
     *
     * @param count pixels
     * @return percent, NaN without cropland at t1
     */
    public double percentOfCroplandBefore(long count) {
        return croplandBefore == 0 ? Double.NaN : 100.0 * count / croplandBefore;
    }

    /**
     * The statistics as JSON.
     *
     * @return indented JSON text
     */
    public String toJson() {
        ObjectNode root = Json.object();
        ObjectNode in = root.putObject("inputs");
        inputs.forEach(in::put);
        root.put("cropland", codes.classes().names().get(codes.classes().cropland()));
        root.put("pixelAreaSquareMetres", area.squareMetres());
        root.put("pixelAreaSource", area.source());
        root.put("pixelsWithData", validPixels());
        root.put("nodataPixels", nodataPixels);
        area(root.putObject("croplandBefore"), croplandBefore);
        area(root.putObject("croplandAfter"), croplandAfter);
        area(root.putObject("stableCropland"), pixels[ChangeCodes.STABLE]);
        area(root.putObject("croplandGain"), gainPixels);
        area(root.putObject("croplandLoss"), lossPixels());
        ArrayNode by = root.putArray("lossByNewClass");
        for (int c = ChangeCodes.FIRST_LOSS; c < codes.count(); c++) {
            ObjectNode o = by.addObject();
            o.put("code", c);
            o.put("to", codes.targetName(codes.lossTarget(c)));
            area(o, pixels[c]);
        }
        ObjectNode s = root.putObject("minimumMappingUnit");
        s.put("pixels", sieve.minPatch());
        s.put("hectares", hectares(sieve.minPatch()));
        s.put("connectivity", sieve.connectivity());
        s.put("lossPatchesFound", sieve.patches());
        s.put("lossPatchesRemoved", sieve.removedPatches());
        area(s.putObject("removed"), sieve.removedPixels());
        ArrayNode legend = root.putArray("changeMapCodes");
        for (int c = 0; c < codes.count(); c++) {
            legend.addObject().put("code", c).put("name", codes.name(c))
                    .put("color", String.format(Locale.ROOT, "#%06X", codes.colors()[c]));
        }
        legend.addObject().put("code", ChangeCodes.NODATA).put("name", "no data");
        if (metrics != null) {
            ObjectNode e = root.putObject("evaluation");
            e.put("truePositives", metrics.truePositives());
            e.put("falsePositives", metrics.falsePositives());
            e.put("falseNegatives", metrics.falseNegatives());
            e.put("trueNegatives", metrics.trueNegatives());
            e.put("excludedNodata", metrics.excluded());
            number(e, "precision", metrics.precision());
            number(e, "recall", metrics.recall());
            number(e, "f1", metrics.f1());
            number(e, "iou", metrics.iou());
            number(e, "accuracy", metrics.accuracy());
        }
        try {
            return Json.pretty(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void area(ObjectNode o, long count) {
        o.put("pixels", count);
        o.put("hectares", hectares(count));
        number(o, "percentOfCroplandBefore", percentOfCroplandBefore(count));
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    /**
     * The area table as CSV: {@code category,code,pixels,hectares,percent_of_cropland_t1}; a
     * category (made of class names) is quoted only when it needs it, as RFC 4180 says
     * ({@link Csv#field}).
     *
     * @return CSV text with a header line
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("category,code,pixels,hectares,percent_of_cropland_t1\n");
        String crop = codes.classes().names().get(codes.classes().cropland());
        row(sb, crop + " at t1", "", croplandBefore);
        row(sb, crop + " at t2", "", croplandAfter);
        row(sb, codes.name(ChangeCodes.STABLE), Integer.toString(ChangeCodes.STABLE),
                pixels[ChangeCodes.STABLE]);
        row(sb, crop + " loss (all)", "", lossPixels());
        for (int c = ChangeCodes.FIRST_LOSS; c < codes.count(); c++) {
            row(sb, codes.name(c), Integer.toString(c), pixels[c]);
        }
        row(sb, crop + " gain", "", gainPixels);
        row(sb, "removed by minimum mapping unit", "", sieve.removedPixels());
        row(sb, "no data", Integer.toString(ChangeCodes.NODATA), nodataPixels);
        return sb.toString();
    }

    private void row(StringBuilder sb, String category, String code, long count) {
        double pct = percentOfCroplandBefore(count);
        sb.append(Csv.field(category)).append(',').append(code).append(',').append(count)
                .append(',')
                .append(String.format(Locale.ROOT, "%.4f", hectares(count))).append(',')
                .append(Double.isFinite(pct) ? String.format(Locale.ROOT, "%.3f", pct) : "")
                .append('\n');
    }

    /**
     * Reads statistics written by {@link #toJson} back (a resumed batch reads the pairs it
     * finished before from their {@code statistics.json}).
     *
     * @param json the text of a {@code statistics.json}
     * @param codes the change codes of the run that wrote it
     * @return the statistics, equal to the ones written
     * @throws IllegalArgumentException when the text is not such a file or is for other classes
     */
    public static AreaStatistics fromJson(String json, ChangeCodes codes) {
        com.fasterxml.jackson.databind.JsonNode r;
        try {
            r = Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a statistics.json: " + e.getOriginalMessage());
        }
        String crop = codes.classes().names().get(codes.classes().cropland());
        com.fasterxml.jackson.databind.JsonNode loss = r.path("lossByNewClass");
        if (!crop.equals(r.path("cropland").asText()) || loss.size() != codes.count()
                - ChangeCodes.FIRST_LOSS) {
            throw new IllegalArgumentException("statistics of other classes (cropland '"
                    + r.path("cropland").asText() + "', " + loss.size() + " loss classes), "
                    + "expected '" + crop + "' with " + (codes.count() - ChangeCodes.FIRST_LOSS));
        }
        long[] px = new long[codes.count()];
        px[ChangeCodes.STABLE] = required(r.path("stableCropland"), "pixels");
        long rest = required(r, "pixelsWithData") - px[ChangeCodes.STABLE];
        for (com.fasterxml.jackson.databind.JsonNode o : loss) {
            int c = (int) required(o, "code");
            if (!codes.isLoss(c)) {
                throw new IllegalArgumentException("statistics: " + c + " is not a loss code");
            }
            px[c] = required(o, "pixels");
            rest -= px[c];
        }
        px[ChangeCodes.NONE] = rest;
        Map<String, String> in = new LinkedHashMap<>();
        r.path("inputs").fields().forEachRemaining(e -> in.put(e.getKey(), e.getValue().asText()));
        com.fasterxml.jackson.databind.JsonNode s = r.path("minimumMappingUnit");
        Sieve sieve = new Sieve((int) required(s, "pixels"), (int) required(s, "connectivity"),
                required(s, "lossPatchesFound"), required(s, "lossPatchesRemoved"),
                required(s.path("removed"), "pixels"));
        com.fasterxml.jackson.databind.JsonNode e = r.get("evaluation");
        ChangeMetrics m = e == null ? null : new ChangeMetrics(required(e, "truePositives"),
                required(e, "falsePositives"), required(e, "falseNegatives"),
                required(e, "trueNegatives"), required(e, "excludedNodata"));
        PixelArea area = new PixelArea(r.path("pixelAreaSquareMetres").asDouble(),
                r.path("pixelAreaSource").asText());
        return new AreaStatistics(codes, area, px, required(r, "nodataPixels"),
                required(r.path("croplandBefore"), "pixels"),
                required(r.path("croplandAfter"), "pixels"),
                required(r.path("croplandGain"), "pixels"), sieve, m, in);
    }

    private static long required(com.fasterxml.jackson.databind.JsonNode o, String field) {
        com.fasterxml.jackson.databind.JsonNode v = o.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw new IllegalArgumentException("statistics: missing number '" + field + "'");
        }
        return v.asLong();
    }

    /**
     * Writes both files atomically.
     *
     * @param json the JSON file
     * @param csv the CSV file
     * @throws IOException on failure
     */
    public void save(Path json, Path csv) throws IOException {
        AtomicFiles.writeString(json, toJson());
        AtomicFiles.writeString(csv, toCsv());
    }
}
