package io.fadconv.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.infer.ChangeMetrics;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Csv;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers of a batch ({@code OUT/summary.csv}, {@code OUT/summary.json}): for every pair,
 * every region and in total, pixels and hectares of cropland at t1 and t2 and of every
 * transition (stable, loss to each class, all loss, gain), and precision, recall, F1 and IoU of
 * the loss where a true change mask was given. Failed pairs are listed with their error.
 *
 * <p>Regions and the total add the pairs' pixel counts and the pairs' hectares (each pair with
 * its own pixel area); their precision, recall and F1 come from the added TP, FP and FN of the
 * pairs that have a truth (micro-average), whose number is given.
 */
public final class BatchSummary {

    /** The file names in the output folder. */
    public static final String CSV = "summary.csv";
    /** The JSON summary. */
    public static final String JSON = "summary.json";

    private final ChangeCodes codes;
    private final List<PairResult> results;
    private final List<String> quantities;
    private final Map<String, Sum> regions = new LinkedHashMap<>();
    private final Sum total;

    /**
     * Sums the results.
     *
     * @param codes the run's change codes
     * @param results every pair of the batch, in list order
     */
    public BatchSummary(ChangeCodes codes, List<PairResult> results) {
        this.codes = codes;
        this.results = List.copyOf(results);
        List<String> q = new ArrayList<>(List.of("cropland_t1", "cropland_t2", "stable",
                "loss"));
        for (int c = ChangeCodes.FIRST_LOSS; c < codes.count(); c++) {
            q.add("loss_to_" + codes.targetName(codes.lossTarget(c))
                    .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"));
        }
        q.add("gain");
        this.quantities = Collections.unmodifiableList(q);
        this.total = new Sum();
        for (PairResult r : this.results) {
            if (!r.ok()) {
                continue;
            }
            total.add(r.statistics());
            if (!r.pair().region().isEmpty()) {
                regions.computeIfAbsent(r.pair().region(), k -> new Sum()).add(r.statistics());
            }
        }
    }

    /** @return the quantity names, in column order (cropland_t1, ..., loss_to_built_up, gain) */
    public List<String> quantities() {
        return quantities;
    }

    /** @return the results, in list order */
    public List<PairResult> results() {
        return results;
    }

    /** @return the sums over all pairs that did not fail */
    public Sum total() {
        return total;
    }

    /** @return the sums per region, in order of first appearance */
    public Map<String, Sum> regions() {
        return Collections.unmodifiableMap(regions);
    }

    /** @return the pairs that failed */
    public List<PairResult> failed() {
        return results.stream().filter(r -> !r.ok()).toList();
    }

    /** Sums of several pairs. */
    public final class Sum {
        private int pairs;
        private int truthPairs;
        private final long[] pixels = new long[quantities.size()];
        private final double[] hectares = new double[quantities.size()];
        private long withData;
        private long nodata;
        private long tp;
        private long fp;
        private long fn;
        private long tn;
        private long excluded;

        private Sum() {}

        private void add(AreaStatistics s) {
            long[] v = values(s);
            for (int i = 0; i < v.length; i++) {
                pixels[i] += v[i];
                hectares[i] += s.hectares(v[i]);
            }
            pairs++;
            withData += s.validPixels();
            nodata += s.nodataPixels();
            ChangeMetrics m = s.metrics();
            if (m != null) {
                truthPairs++;
                tp += m.truePositives();
                fp += m.falsePositives();
                fn += m.falseNegatives();
                tn += m.trueNegatives();
                excluded += m.excluded();
            }
        }

        /** @return pairs added */
        public int pairs() {
            return pairs;
        }

        /**
         * Hectares of a quantity.
         *
         * @param quantity a name of {@link #quantities()}
         * @return the sum of the pairs' hectares
         */
        public double hectares(String quantity) {
            return hectares[index(quantity)];
        }

        /** @return the added counts of the pairs with a truth, or null when none has one */
        public ChangeMetrics metrics() {
            return truthPairs == 0 ? null : new ChangeMetrics(tp, fp, fn, tn, excluded);
        }
    }

    private int index(String quantity) {
        int i = quantities.indexOf(quantity);
        if (i < 0) {
            throw new IllegalArgumentException("no quantity '" + quantity + "'; there are "
                    + quantities);
        }
        return i;
    }

    private long[] values(AreaStatistics s) {
        long[] px = s.pixels();
        long[] v = new long[quantities.size()];
        v[0] = s.croplandBefore();
        v[1] = s.croplandAfter();
        v[2] = px[ChangeCodes.STABLE];
        v[3] = s.lossPixels();
        for (int c = ChangeCodes.FIRST_LOSS; c < codes.count(); c++) {
            v[4 + c - ChangeCodes.FIRST_LOSS] = px[c];
        }
        v[v.length - 1] = s.gainPixels();
        return v;
    }

    /**
     * The CSV: one row per pair, then per region, then the total ({@code level} column).
     *
     * @return the text with a header line
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("level,id,region,status,error,before,after,truth,"
                + "pixel_area_m2,pixels_with_data,nodata_pixels");
        for (String q : quantities) {
            sb.append(',').append(q).append("_pixels,").append(q).append("_ha");
        }
        sb.append(",truth_pairs,tp,fp,fn,precision,recall,f1,iou\n");
        for (PairResult r : results) {
            PairSpec p = r.pair();
            sb.append("pair,").append(Csv.field(p.id())).append(',')
                    .append(Csv.field(p.region())).append(',').append(r.status().label())
                    .append(',').append(Csv.field(r.error())).append(',')
                    .append(Csv.field(p.before())).append(',').append(Csv.field(p.after()))
                    .append(',').append(Csv.field(p.truth())).append(',');
            if (r.ok()) {
                Sum one = new Sum();
                one.add(r.statistics());
                sb.append(num(r.statistics().area().squareMetres()));
                numbers(sb, one);
            } else {
                sb.append(",".repeat(2 + 2 * quantities.size() + 8));
            }
            sb.append('\n');
        }
        regions.forEach((name, s) -> {
            sb.append("region,,").append(Csv.field(name)).append(",,,,,,");
            numbers(sb, s);
            sb.append('\n');
        });
        sb.append("total,,,,,,,,");
        numbers(sb, total);
        sb.append('\n');
        return sb.toString();
    }

    private void numbers(StringBuilder sb, Sum s) {
        sb.append(',').append(s.withData).append(',').append(s.nodata);
        for (int i = 0; i < quantities.size(); i++) {
            sb.append(',').append(s.pixels[i]).append(',').append(ha(s.hectares[i]));
        }
        ChangeMetrics m = s.metrics();
        sb.append(',').append(s.truthPairs);
        if (m == null) {
            sb.append(",,,,,,,");
        } else {
            sb.append(',').append(m.truePositives()).append(',').append(m.falsePositives())
                    .append(',').append(m.falseNegatives()).append(',').append(num(m.precision()))
                    .append(',').append(num(m.recall())).append(',').append(num(m.f1()))
                    .append(',').append(num(m.iou()));
        }
    }

    private static String ha(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }

    /**
     * The JSON: {@code pairs} (with their status, error and numbers), {@code regions} and
     * {@code total}.
     *
     * @param run the run folder, for provenance
     * @return indented JSON text
     */
    public String toJson(String run) {
        ObjectNode root = Json.object();
        root.put("run", run);
        root.put("cropland", codes.classes().names().get(codes.classes().cropland()));
        ArrayNode qs = root.putArray("quantities");
        quantities.forEach(qs::add);
        ObjectNode counts = root.putObject("pairCounts");
        for (PairResult.Status st : PairResult.Status.values()) {
            counts.put(st.label(), results.stream().filter(r -> r.status() == st).count());
        }
        ArrayNode pairs = root.putArray("pairs");
        for (PairResult r : results) {
            ObjectNode o = pairs.addObject();
            PairSpec p = r.pair();
            o.put("id", p.id()).put("region", p.region()).put("status", r.status().label());
            if (!r.ok()) {
                o.put("error", r.error());
            }
            o.put("before", p.before()).put("after", p.after()).put("truth", p.truth());
            if (r.ok()) {
                Sum one = new Sum();
                one.add(r.statistics());
                o.put("pixelAreaSquareMetres", r.statistics().area().squareMetres());
                json(o, one);
            }
        }
        ObjectNode reg = root.putObject("regions");
        regions.forEach((name, s) -> {
            ObjectNode o = reg.putObject(name);
            o.put("pairs", s.pairs);
            json(o, s);
        });
        ObjectNode t = root.putObject("total");
        t.put("pairs", total.pairs);
        json(t, total);
        try {
            return Json.pretty(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void json(ObjectNode o, Sum s) {
        o.put("pixelsWithData", s.withData).put("nodataPixels", s.nodata);
        ObjectNode q = o.putObject("transitions");
        for (int i = 0; i < quantities.size(); i++) {
            q.putObject(quantities.get(i)).put("pixels", s.pixels[i])
                    .put("hectares", s.hectares[i]);
        }
        ChangeMetrics m = s.metrics();
        if (m != null) {
            ObjectNode e = o.putObject("evaluation");
            e.put("truthPairs", s.truthPairs).put("truePositives", m.truePositives())
                    .put("falsePositives", m.falsePositives())
                    .put("falseNegatives", m.falseNegatives());
            finite(e, "precision", m.precision());
            finite(e, "recall", m.recall());
            finite(e, "f1", m.f1());
            finite(e, "iou", m.iou());
        }
    }

    private static void finite(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

    /**
     * Writes {@code summary.csv} and {@code summary.json} atomically.
     *
     * @param out the output folder
     * @param run the run folder, for provenance
     * @throws IOException on failure
     */
    public void save(Path out, String run) throws IOException {
        AtomicFiles.writeString(out.resolve(CSV), toCsv());
        AtomicFiles.writeString(out.resolve(JSON), toJson(run));
    }
}
