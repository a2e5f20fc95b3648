package io.fadconv.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Metrics as the paper prints them (percent, one decimal, {@code -} for an undefined value) and as
 * JSON (fractions in [0, 1], {@code null} for an undefined value).
 */
public final class MetricsFormat {

    /** The columns of Tables 1-3 and 6-7: OA, then the target class's Acc, P, R, F1, IoU. */
    public static final List<String> COLUMNS = List.of("OA", "Acc", "P", "R", "F1", "IoU");

    private MetricsFormat() {}

    /**
     * A fraction as a percentage.
     *
     * @param v a value in [0, 1] or NaN
     * @param decimals digits after the point
     * @return e.g. {@code 83.3}, or {@code -} for NaN
     */
    public static String percent(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", 100 * v);
    }

    /**
     * The six values of a table row: OA, Acc, P, R, F1, IoU (target class).
     *
     * @param m the metrics
     * @param decimals digits after the point
     * @return six cells
     */
    public static List<String> cells(SegmentationMetrics m, int decimals) {
        ClassMetrics c = m.targetClass();
        List<String> out = new ArrayList<>();
        for (double v : new double[] {m.overallAccuracy(), c.accuracy(), c.precision(),
            c.recall(), c.f1(), c.iou()}) {
            out.add(percent(v, decimals));
        }
        return out;
    }

    /**
     * The paper's row as aligned text, with a header line.
     *
     * @param label the row label (e.g. the convolution spec)
     * @param m the metrics
     * @return two lines
     */
    public static String paperRow(String label, SegmentationMetrics m) {
        int w = Math.max(5, label.length());
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "Model"));
        COLUMNS.forEach(c -> sb.append(String.format(Locale.ROOT, " %6s", c)));
        sb.append('\n').append(String.format(Locale.ROOT, "%-" + w + "s", label));
        cells(m, 1).forEach(c -> sb.append(String.format(Locale.ROOT, " %6s", c)));
        return sb.append('\n').toString();
    }

    /**
     * Every class's metrics as aligned text (the target class marked).
     *
     * @param m the metrics
     * @return one line per class after a header
     */
    public static String perClass(SegmentationMetrics m) {
        int w = Math.max(5, m.classes().stream().mapToInt(c -> c.name().length()).max().orElse(5)
                + 2);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w
                + "s %6s %6s %6s %6s %6s %14s%n", "class", "Acc", "P", "R", "F1", "IoU", "pixels"));
        for (ClassMetrics c : m.classes()) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %6s %6s %6s %6s %6s %,14d%n",
                    c.name() + (c.id() == m.target() ? " *" : ""), percent(c.accuracy(), 1),
                    percent(c.precision(), 1), percent(c.recall(), 1), percent(c.f1(), 1),
                    percent(c.iou(), 1), c.support()));
        }
        return sb.toString();
    }

    /**
     * The metrics as JSON.
     *
     * @param m the metrics
     * @return {@code {oa, miou, target, pixels, classes: [{id, name, tp, fp, fn, tn, acc,
     *     precision, recall, f1, iou}]}}
     */
    public static ObjectNode toJson(SegmentationMetrics m) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        number(root, "oa", m.overallAccuracy());
        number(root, "miou", m.meanIoU());
        root.put("target", m.target());
        root.put("pixels", m.pixels());
        ArrayNode cls = root.putArray("classes");
        for (ClassMetrics c : m.classes()) {
            ObjectNode o = cls.addObject();
            o.put("id", c.id());
            o.put("name", c.name());
            o.put("tp", c.truePositives());
            o.put("fp", c.falsePositives());
            o.put("fn", c.falseNegatives());
            o.put("tn", c.trueNegatives());
            number(o, "acc", c.accuracy());
            number(o, "precision", c.precision());
            number(o, "recall", c.recall());
            number(o, "f1", c.f1());
            number(o, "iou", c.iou());
        }
        return root;
    }

    /**
     * Reads metrics written by {@link #toJson}, values as stored.
     *
     * @param node the JSON
     * @return the metrics
     */
    public static SegmentationMetrics fromJson(JsonNode node) {
        JsonNode cls = node.get("classes");
        if (cls == null || !cls.isArray() || cls.isEmpty()) {
            throw new IllegalArgumentException("metrics JSON has no 'classes' array");
        }
        List<ClassMetrics> per = new ArrayList<>();
        for (JsonNode o : cls) {
            per.add(new ClassMetrics(o.get("id").asInt(), o.get("name").asText(),
                    o.get("tp").asLong(), o.get("fp").asLong(), o.get("fn").asLong(),
                    o.get("tn").asLong(), number(o, "acc"), number(o, "precision"),
                    number(o, "recall"), number(o, "f1"), number(o, "iou")));
        }
        return new SegmentationMetrics(number(node, "oa"), number(node, "miou"), per,
                node.get("target").asInt(), node.get("pixels").asLong());
    }

    /**
     * Puts a number, or null for NaN (JSON has no NaN).
     *
     * @param o the object
     * @param key the key
     * @param v the value
     */
    public static void number(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    /**
     * Reads a number written by {@link #number(ObjectNode, String, double)}.
     *
     * @param o the object
     * @param key the key
     * @return the value, NaN for null or missing
     */
    public static double number(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
