package io.fadconv.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.eval.ClassMetrics;
import io.fadconv.eval.MetricsFormat;
import io.fadconv.eval.SegmentationMetrics;

/**
 * One finished epoch: the mean training loss, and the validation loss and metrics computed once
 * over the whole validation part after the epoch.
 *
 * @param epoch the epoch, from 1
 * @param trainLoss mean loss over the epoch's steps
 * @param valLoss mean loss over the validation batches (weighted by tiles)
 * @param validation the validation metrics
 * @param trainTiles tiles trained on in the epoch
 * @param trainSeconds training time of the epoch in the process that finished it (a resumed
 *     epoch counts only the steps after the resume)
 * @param valSeconds validation time
 * @param tilesPerSecond training throughput of the steps timed in {@code trainSeconds}
 */
public record EpochMetrics(int epoch, double trainLoss, double valLoss,
        SegmentationMetrics validation, int trainTiles, double trainSeconds, double valSeconds,
        double tilesPerSecond) {

    /** The CSV header of {@link #csvRow()}. */
    public static final String CSV_HEADER = "epoch,train_loss,val_loss,oa,miou,acc,precision,"
            + "recall,f1,iou,train_tiles,train_seconds,val_seconds,tiles_per_second";

    /** @return one CSV line (fractions, not percent; empty for undefined values) */
    public String csvRow() {
        ClassMetrics t = validation.targetClass();
        StringBuilder sb = new StringBuilder().append(epoch);
        for (double v : new double[] {trainLoss, valLoss, validation.overallAccuracy(),
            validation.meanIoU(), t.accuracy(), t.precision(), t.recall(), t.f1(), t.iou()}) {
            sb.append(',').append(Double.isNaN(v) ? "" : Double.toString(v));
        }
        sb.append(',').append(trainTiles);
        for (double v : new double[] {trainSeconds, valSeconds, tilesPerSecond()}) {
            sb.append(',').append(Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT,
                    "%.3f", v));
        }
        return sb.toString();
    }

    /** @return the epoch as JSON: the summary fields, then every class's metrics */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ClassMetrics t = validation.targetClass();
        o.put("epoch", epoch);
        MetricsFormat.number(o, "trainLoss", trainLoss);
        MetricsFormat.number(o, "valLoss", valLoss);
        MetricsFormat.number(o, "oa", validation.overallAccuracy());
        MetricsFormat.number(o, "miou", validation.meanIoU());
        MetricsFormat.number(o, "acc", t.accuracy());
        MetricsFormat.number(o, "precision", t.precision());
        MetricsFormat.number(o, "recall", t.recall());
        MetricsFormat.number(o, "f1", t.f1());
        MetricsFormat.number(o, "iou", t.iou());
        o.put("trainTiles", trainTiles);
        o.put("trainSeconds", trainSeconds);
        o.put("valSeconds", valSeconds);
        MetricsFormat.number(o, "tilesPerSecond", tilesPerSecond());
        o.set("validation", MetricsFormat.toJson(validation));
        return o;
    }

    /**
     * Reads {@link #toJson}.
     *
     * @param o the JSON
     * @return the epoch
     */
    public static EpochMetrics fromJson(JsonNode o) {
        return new EpochMetrics(o.get("epoch").asInt(), MetricsFormat.number(o, "trainLoss"),
                MetricsFormat.number(o, "valLoss"), MetricsFormat.fromJson(o.get("validation")),
                o.get("trainTiles").asInt(), o.get("trainSeconds").asDouble(),
                o.get("valSeconds").asDouble(), MetricsFormat.number(o, "tilesPerSecond"));
    }
}
