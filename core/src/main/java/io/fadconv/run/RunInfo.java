package io.fadconv.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.data.ClassScheme;
import io.fadconv.model.ModelSpec;
import io.fadconv.nn.ConvSpec;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trained run is, as written to {@code run.json} in its folder: the network, the dataset
 * kind and classes. Training writes it; evaluation, prediction and CNA detection read it, so a
 * run folder is all a user passes around (see {@link RunFolder} for the files beside it).
 *
 * @param model the network
 * @param dataset the dataset kind it was trained on (gid, hicna, folder, synthetic, ...)
 * @param classes class names, colours and the cropland class
 * @param tileSize the tile size the model was trained on (0 when unknown); prediction windows
 *     default to it, because dynamic convolutions weight their experts from the whole input
 */
public record RunInfo(ModelSpec model, String dataset, ClassScheme classes, int tileSize) {


    /** Validates. */
    public RunInfo {
        if (model == null || dataset == null || classes == null) {
            throw new IllegalArgumentException("a run needs a model, a dataset kind and classes");
        }
        if (tileSize < 0) {
            throw new IllegalArgumentException("tile size must be >= 0 (0 = unknown), got "
                    + tileSize);
        }
        boolean binaryLogit = model.classes() == 1 && classes.classes() == 2;
        if (model.classes() != classes.classes() && !binaryLogit) {
            throw new IllegalArgumentException("model has " + model.classes() + " outputs but the "
                    + "class scheme has " + classes.classes() + " classes");
        }
    }

    /**
     * Writes {@code run.json} (atomically).
     *
     * @param file the file
     * @throws IOException on failure
     */
    public void save(Path file) throws IOException {
        ObjectNode root = Json.object();
        ObjectNode m = root.putObject("model");
        m.put("name", model.name());
        m.put("conv", model.conv().toString());
        m.put("inChannels", model.inChannels());
        m.put("classes", model.classes());
        ObjectNode opts = m.putObject("options");
        model.options().forEach(opts::put);
        root.put("dataset", dataset);
        root.put("tileSize", tileSize);
        ObjectNode c = root.putObject("classScheme");
        ArrayNode names = c.putArray("names");
        classes.names().forEach(names::add);
        ArrayNode colors = c.putArray("colors");
        for (int col : classes.colors()) {
            colors.add(String.format("#%06X", col));
        }
        c.put("cropland", classes.cropland());
        AtomicFiles.writeString(file, Json.pretty(root) + "\n");
    }

    /**
     * Reads {@code run.json}.
     *
     * @param file the file
     * @return the run info
     * @throws IOException if unreadable
     * @throws IllegalArgumentException if malformed (the message names the file)
     */
    public static RunInfo load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " not found: is this a run folder made by "
                    + "'fadconv train'?");
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            JsonNode m = required(root, "model");
            Map<String, String> opts = new LinkedHashMap<>();
            JsonNode o = m.get("options");
            if (o != null) {
                o.fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
            }
            ModelSpec spec = new ModelSpec(required(m, "name").asText(),
                    ConvSpec.parse(required(m, "conv").asText()),
                    required(m, "inChannels").asInt(), required(m, "classes").asInt(), opts);
            JsonNode c = required(root, "classScheme");
            List<String> names = new ArrayList<>();
            required(c, "names").forEach(n -> names.add(n.asText()));
            JsonNode cols = required(c, "colors");
            int[] colors = new int[cols.size()];
            for (int i = 0; i < colors.length; i++) {
                colors[i] = Integer.parseInt(cols.get(i).asText().replace("#", ""), 16);
            }
            return new RunInfo(spec, required(root, "dataset").asText(),
                    new ClassScheme(names, colors, required(c, "cropland").asInt()),
                    root.path("tileSize").asInt(0));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a valid run.json (" + e.getMessage()
                    + ")", e);
        }
    }

    /**
     * The window size prediction should use: the training tile size, or {@code fallback} when
     * the run does not record it.
     *
     * @param fallback the size to use for runs without a recorded tile size
     * @return the window size
     */
    public int windowOr(int fallback) {
        return tileSize > 0 ? tileSize : fallback;
    }

    /**
     * Whether the model has one output, a logit of the positive class (binary cross-entropy),
     * rather than one logit per class: class 1 where {@code sigmoid(logit) > 0.5}, i.e. logit > 0.
     *
     * @return true for a single-logit binary model
     */
    public boolean binaryLogit() {
        return model.classes() == 1;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }
}
