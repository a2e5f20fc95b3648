package io.fadconv.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-epoch history of a run, written after every epoch as {@code metrics.csv} (one line per
 * epoch) and {@code metrics.json} (the config, every epoch with per-class metrics, the best epoch,
 * and whether the run finished). The best epoch is the one with the highest validation IoU of the
 * reported class (cropland / farmland), the paper's focus; the earliest wins a tie, and an epoch
 * whose IoU is undefined is never best.
 *
 * @param config the run's config
 * @param epochs finished epochs, in order
 * @param finished whether the last planned epoch finished
 */
public record MetricsLog(TrainConfig config, List<EpochMetrics> epochs, boolean finished) {


    /** Validates. */
    public MetricsLog {
        epochs = List.copyOf(epochs);
    }

    /**
     * An empty log.
     *
     * @param config the config
     * @return the log
     */
    public static MetricsLog empty(TrainConfig config) {
        return new MetricsLog(config, List.of(), false);
    }

    /**
     * This log with one more epoch.
     *
     * @param e the epoch
     * @return a new log (finished when it is the config's last epoch)
     */
    public MetricsLog plus(EpochMetrics e) {
        List<EpochMetrics> l = new ArrayList<>(epochs);
        l.add(e);
        return new MetricsLog(config, l, e.epoch() >= config.epochs());
    }

    /**
     * The same history under another config (more epochs on resume).
     *
     * @param c the config
     * @return a new log
     */
    public MetricsLog withConfig(TrainConfig c) {
        return new MetricsLog(c, epochs, !epochs.isEmpty()
                && epochs.get(epochs.size() - 1).epoch() >= c.epochs());
    }

    /** @return the best epoch (1-based), or 0 when none has a defined IoU */
    public int bestEpoch() {
        int best = 0;
        double value = Double.NEGATIVE_INFINITY;
        for (EpochMetrics e : epochs) {
            double v = score(e);
            if (!Double.isNaN(v) && v > value) {
                value = v;
                best = e.epoch();
            }
        }
        return best;
    }

    /**
     * The value the best epoch is chosen by.
     *
     * @param e an epoch
     * @return the validation IoU of the reported class
     */
    public static double score(EpochMetrics e) {
        return e.validation().targetClass().iou();
    }

    /** @return the last finished epoch (1-based), 0 before the first */
    public int epochsDone() {
        return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
    }

    /** @return the JSON document */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        root.put("finished", finished);
        root.put("epochsPlanned", config.epochs());
        root.put("epochsDone", epochsDone());
        root.put("bestEpoch", bestEpoch());
        root.put("bestBy", "validation IoU of class " + config.classScheme().cropland() + " ("
                + config.classScheme().names().get(config.classScheme().cropland()) + ")");
        root.set("config", config.toJson());
        ArrayNode names = root.putArray("classes");
        config.classScheme().names().forEach(names::add);
        ArrayNode arr = root.putArray("epochs");
        epochs.forEach(e -> arr.add(e.toJson()));
        return root;
    }

    /**
     * Writes both files (atomically).
     *
     * @param csv the CSV path
     * @param json the JSON path
     * @throws IOException on failure
     */
    public void save(Path csv, Path json) throws IOException {
        StringBuilder sb = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        epochs.forEach(e -> sb.append(e.csvRow()).append('\n'));
        AtomicFiles.writeString(csv, sb.toString());
        AtomicFiles.writeString(json, Json.pretty(toJson()) + "\n");
    }

    /**
     * Reads {@code metrics.json}.
     *
     * @param json the file
     * @return the log
     * @throws IOException when it cannot be read
     */
    public static MetricsLog load(Path json) throws IOException {
        try {
            return fromJson(Json.MAPPER.readTree(Files.readString(json)), json.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(json + ": not valid JSON", e);
        }
    }

    /**
     * Reads {@link #toJson}.
     *
     * @param root the JSON
     * @param source a name for messages
     * @return the log
     */
    public static MetricsLog fromJson(JsonNode root, String source) {
        try {
            TrainConfig c = TrainConfig.fromJson(root.get("config"), source + " (config)");
            List<EpochMetrics> l = new ArrayList<>();
            root.get("epochs").forEach(e -> l.add(EpochMetrics.fromJson(e)));
            return new MetricsLog(c, l, root.get("finished").asBoolean());
        } catch (NullPointerException e) {
            throw new IllegalArgumentException(source + ": not a metrics file of fadconv train",
                    e);
        }
    }

    /**
     * Serialises the log into a string (for checkpoints).
     *
     * @return JSON text
     */
    public String toJsonString() {
        try {
            return Json.pretty(toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses {@link #toJsonString}.
     *
     * @param text the JSON text
     * @param source a name for messages
     * @return the log
     */
    public static MetricsLog parse(String text, String source) {
        try {
            return fromJson(Json.MAPPER.readTree(text), source);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": damaged metrics", e);
        }
    }
}
