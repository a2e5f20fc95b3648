package io.fadconv.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.Djl;
import io.fadconv.data.Sample;
import io.fadconv.eval.ConfusionMatrix;
import io.fadconv.eval.Evaluator;
import io.fadconv.eval.MetricsFormat;
import io.fadconv.eval.SegmentationMetrics;
import io.fadconv.run.RunFolder;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * Evaluates a trained run on one part of its split, with the run's own tiles, split and
 * normalisation: the best weights ({@code best.params}, else {@code last.params}) with the
 * temperatures at their final values ({@link RunFolder#open}).
 *
 * @param folder the run folder
 * @param part the split part
 * @param tiles tiles evaluated
 * @param weights the weights file used
 * @param confusion the pixel counts over all tiles
 * @param metrics the metrics
 */
public record RunEvaluation(RunFolder folder, String part, int tiles, Path weights,
        ConfusionMatrix confusion, SegmentationMetrics metrics) {


    /**
     * The part a run is reported on: {@code test} when its split has one, else {@code val} (GID's
     * 80/20 split, whose 20% the paper calls its test set).
     *
     * @param data the run's data
     * @return the part name
     */
    public static String reportPart(TrainData data) {
        return data.split().parts().containsKey("test") ? "test" : "val";
    }

    /**
     * Evaluates.
     *
     * @param folder a run folder made by {@link TrainLoop}
     * @param part {@code train}, {@code val} or {@code test}; null for {@link #reportPart}
     * @param batch tiles per forward pass
     * @param progress receives tiles done and the total, or null
     * @return the evaluation
     * @throws IOException on read failure
     */
    public static RunEvaluation evaluate(RunFolder folder, String part, int batch,
            BiConsumer<Integer, Integer> progress) throws IOException {
        Path configFile = TrainLoop.configFile(folder);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(folder.dir() + ": no config.json; is it a run "
                    + "folder made by 'fadconv train'?");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        TrainConfig config = TrainConfig.load(configFile);
        TrainData data = TrainData.open(config, folder);
        String p = part == null ? reportPart(data) : part;
        List<Sample> tiles = data.part(p);
        var dataset = data.dataset(config, tiles);
        Path weights = folder.inferenceWeights();
        try (NDManager manager = Djl.engine().newBaseManager()) {
            RunFolder.Trained t = folder.open(manager, config.tile());
            IntConsumer done = progress == null ? null : n -> progress.accept(n, tiles.size());
            Evaluator.Result r = Evaluator.evaluate(t.model(), manager, dataset, batch,
                    t.info().binaryLogit(), t.info().classes(), null, done);
            return new RunEvaluation(folder, p, tiles.size(), weights, r.confusion(),
                    r.metrics());
        }
    }

    /** @return the default file of this evaluation: {@code eval-<part>.json} in the run folder */
    public Path defaultFile() {
        return folder.dir().resolve("eval-" + part + ".json");
    }

    /** @return the evaluation as JSON: part, tiles, weights, date, metrics, confusion matrix */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("run", folder.dir().toString());
        o.put("part", part);
        o.put("tiles", tiles);
        o.put("weights", weights.getFileName().toString());
        o.put("date", LocalDate.now().toString());
        o.set("metrics", MetricsFormat.toJson(metrics));
        ArrayNode cm = o.putArray("confusion");
        for (long[] row : confusion.counts()) {
            ArrayNode r = cm.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        return o;
    }

    /**
     * Writes {@link #toJson} (atomically).
     *
     * @param file the file
     * @throws IOException on failure
     */
    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.pretty(toJson()) + "\n");
    }
}
