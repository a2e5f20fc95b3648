package io.fadconv.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.DatasetKind;
import io.fadconv.data.DatasetSource;
import io.fadconv.data.LabelCodec;
import io.fadconv.model.ModelSpec;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything that defines a training run, validated on construction: the data, the network, the
 * optimisation (Adam with L2 weight decay, constant learning rate, no augmentation, no
 * pretraining, as in the paper) and the seed. Two runs with equal configs (convolution specs
 * compared with their defaults filled in) train the same weights. Saved as {@code config.json}
 * in the run folder; {@code --config file.json} reads the same format.
 *
 * <p>The record is the one description of the fields: JSON is bound to it by Jackson (a field
 * per component, in component order, unknown fields an error), each component's default is its
 * {@code @JsonProperty(defaultValue)}, and a config is made from layers of the same form: the
 * defaults, the dataset kind's preset, a config file, a named {@link #preset}, the options given
 * (see {@link Builder}). A new hyper-parameter is a new component here and its CLI option.
 *
 * @param data the dataset folder (absolute)
 * @param dataset the dataset kind ({@link DatasetKind#names()}: gid, hicna, folder, synthetic,
 *     synthetic-hicna, ...)
 * @param labels how a {@code folder} dataset's labels encode classes: {@code binary} (0 and 1 or
 *     255), {@code ids} (class ids), {@code gid} (GID colours); {@code auto} for the other kinds
 *     (their own encoding) and, for folders, binary with 2 classes and ids otherwise
 * @param classes the number of classes for a folder dataset; 0 to take the dataset kind's
 * @param model the network name ({@code resnet18-unet}, ...)
 * @param conv the convolution spec of the replaced convolutions
 * @param modelOptions model options ({@code decoder=...}), see {@code fadconv cost --list}
 * @param bands 0-based input bands in model channel order; empty for all bands of the images
 * @param tile the square tile size the scenes are cut into (multiple of 32)
 * @param epochs epochs
 * @param batch tiles per step
 * @param lr the constant learning rate
 * @param weightDecay the L2 coefficient added to the gradients (torch.optim.Adam's weight_decay)
 * @param loss the loss
 * @param seed seeds the split, initialisation and the data order
 * @param trainTiles tiles per training epoch, drawn from the epoch's shuffled order (0 = all)
 * @param valTiles validation tiles, the first of the validation part (0 = all)
 * @param normSamples training tiles the normalisation statistics are computed from (0 = all)
 */
public record TrainConfig(
        Path data,
        String dataset,
        @JsonProperty(defaultValue = "auto") String labels,
        @JsonProperty(defaultValue = "0") int classes,
        @JsonProperty(defaultValue = "resnet18-unet") String model,
        @JsonProperty(defaultValue = "static") ConvSpec conv,
        @JsonProperty(defaultValue = "{}") Map<String, String> modelOptions,
        @JsonProperty(defaultValue = "[]") List<Integer> bands,
        @JsonProperty(defaultValue = "512") int tile,
        @JsonProperty(defaultValue = "50") int epochs,
        @JsonProperty(defaultValue = "24") int batch,
        @JsonProperty(defaultValue = "1e-4") double lr,
        @JsonProperty(defaultValue = "1e-4") double weightDecay,
        @JsonProperty(defaultValue = "ce") Loss loss,
        @JsonProperty(defaultValue = "0") long seed,
        @JsonProperty(defaultValue = "0") int trainTiles,
        @JsonProperty(defaultValue = "0") int valTiles,
        @JsonProperty(defaultValue = "256") int normSamples) {

    /**
     * The paper's two settings as overlays: {@code gid} (section 4.3: lr 1e-4, weight decay
     * 1e-4, batch 24, 50 epochs, cross-entropy) and {@code hicna} (section 4.4: lr 3e-4, weight
     * decay 1e-4, batch 16, 50 epochs, BCE); both with 512-pixel tiles.
     */
    private static final Map<String, String> PRESETS = Map.of(
            "gid", "{\"lr\": 1e-4, \"batch\": 24, \"loss\": \"ce\", \"weightDecay\": 1e-4, "
                    + "\"epochs\": 50, \"tile\": 512}",
            "hicna", "{\"lr\": 3e-4, \"batch\": 16, \"loss\": \"bce\", \"weightDecay\": 1e-4, "
                    + "\"epochs\": 50, \"tile\": 512}");

    /** The field names, in component order. */
    public static final List<String> FIELDS = Arrays.stream(TrainConfig.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    /** Validates. */
    public TrainConfig {
        if (data == null) {
            throw new IllegalArgumentException("data: a dataset folder is required (--data)");
        }
        data = data.toAbsolutePath().normalize();
        DatasetKind kind = DatasetKind.get(dataset);
        dataset = kind.name();
        labels = labels == null ? "auto" : labels.strip().toLowerCase(Locale.ROOT);
        kind.validate(classes, labels);
        if (conv == null) {
            throw new IllegalArgumentException("conv: a convolution spec is required (e.g. static"
                    + " or fadconv:k=4,p=16)");
        }
        modelOptions = Collections.unmodifiableMap(new TreeMap<>(
                modelOptions == null ? Map.of() : modelOptions));
        // Validates the name, options and spec with the model registry's own messages.
        ModelSpec probe = new ModelSpec(model, conv, 1, 1, modelOptions);
        model = probe.name();
        bands = List.copyOf(bands == null ? List.of() : bands);
        Set<Integer> seen = new HashSet<>();
        for (int b : bands) {
            if (b < 0 || !seen.add(b)) {
                throw new IllegalArgumentException("bands: 0-based, distinct indices, got "
                        + bands);
            }
        }
        if (tile < 32 || tile % 32 != 0) {
            throw new IllegalArgumentException("tile: a multiple of 32 of at least 32 (the paper "
                    + "uses 512), got " + tile);
        }
        positive("epochs", epochs);
        positive("batch", batch);
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr: a finite learning rate > 0, got " + lr);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("wd: a finite weight decay >= 0, got "
                    + weightDecay);
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss: ce or bce");
        }
        if (trainTiles < 0 || valTiles < 0 || normSamples < 0) {
            throw new IllegalArgumentException("train-tiles, val-tiles and norm-samples must be "
                    + ">= 0 (0 = all), got " + trainTiles + ", " + valTiles + ", " + normSamples);
        }
        if (trainTiles > 0 && trainTiles < batch) {
            throw new IllegalArgumentException("train-tiles (" + trainTiles + ") is smaller than "
                    + "one batch (" + batch + "): an epoch would have no step");
        }
        int schemeClasses = kind.classCount(classes, labels);
        if (loss == Loss.BCE && schemeClasses != 2) {
            throw new IllegalArgumentException("loss: bce is for two classes (cropland or not); "
                    + dataset + " has " + schemeClasses + " classes: use --loss ce");
        }
    }

    private static void positive(String field, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(field + ": must be >= 1, got " + v);
        }
    }

    // ------------------------------------------------------------------ layers

    /**
     * Every field's default, from the components' {@code @JsonProperty(defaultValue)}.
     *
     * @return a new object node (without {@code data} and {@code dataset})
     */
    public static ObjectNode defaults() {
        ObjectNode o = Json.object();
        for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
            // Jackson's annotation does not target record components: javac puts it on the
            // accessor (and the field and the constructor parameter).
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            if (p != null && !p.defaultValue().isEmpty()) {
                o.set(c.getName(), literal(p.defaultValue()));
            }
        }
        return o;
    }

    /** A default as JSON: a number, array or object as written, anything else a string. */
    private static JsonNode literal(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            return n.isValueNode() && !n.isNumber() ? new TextNode(text) : n;
        } catch (JsonProcessingException e) {
            return new TextNode(text);
        }
    }

    /**
     * The overlay of one of the paper's settings.
     *
     * @param name {@code gid} or {@code hicna}
     * @return a new object node
     * @throws IllegalArgumentException naming the valid presets
     */
    public static ObjectNode preset(String name) {
        String json = PRESETS.get(name == null ? "" : name.strip().toLowerCase(Locale.ROOT));
        if (json == null) {
            throw new IllegalArgumentException("preset: unknown '" + name + "'; valid: "
                    + String.join(", ", presetNames()));
        }
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the preset names */
    public static List<String> presetNames() {
        return PRESETS.keySet().stream().sorted().toList();
    }

    /**
     * The fields a config of a dataset kind starts from: the defaults, the kind's preset and its
     * tile size (256 for the synthetic kinds, the generator's tile).
     *
     * @param data the dataset folder
     * @param dataset the dataset kind
     * @return a new object node
     */
    public static ObjectNode base(Path data, String dataset) {
        ObjectNode o = defaults();
        if (data != null) {
            o.set("data", new TextNode(data.toString()));
        }
        o.set("dataset", dataset == null ? null : new TextNode(dataset));
        if (dataset != null) {
            DatasetKind kind = DatasetKind.get(dataset);
            o.setAll(preset(kind.preset()));
            o.put("tile", kind.defaultTile());
        }
        return o;
    }

    /**
     * Binds fields to a config: every field must be known, every value of its field's type.
     *
     * @param fields all fields
     * @return the validated config
     * @throws IllegalArgumentException naming the field and what is wrong
     */
    public static TrainConfig bind(JsonNode fields) {
        if (fields == null || !fields.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (var it = fields.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "'; valid fields: "
                        + String.join(", ", FIELDS));
            }
        }
        try {
            return Json.MAPPER.treeToValue(fields, TrainConfig.class);
        } catch (JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException iae) {
                    throw iae;
                }
            }
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().get(m.getPath().size() - 1).getFieldName() : null;
            throw new IllegalArgumentException((field != null ? "field '" + field + "': "
                    : "") + e.getOriginalMessage().replaceAll("\\s*\\(through reference.*", ""),
                    e);
        }
    }

    /**
     * A builder starting from a dataset kind's preset ({@link #base}).
     *
     * @param data the dataset folder
     * @param dataset the dataset kind
     * @return the builder
     */
    public static Builder builder(Path data, String dataset) {
        return new Builder(base(data, dataset));
    }

    /** @return a builder holding this config's fields */
    public Builder toBuilder() {
        return new Builder(toJson());
    }

    /**
     * The same with another convolution spec.
     *
     * @param other the spec
     * @return a new config
     */
    public TrainConfig withConv(ConvSpec other) {
        return toBuilder().set("conv", other).build();
    }

    // ------------------------------------------------------------------ what follows from it

    /** @return the dataset kind */
    public DatasetKind kind() {
        return DatasetKind.get(dataset);
    }

    /** @return the class names, colours and reported class of the dataset */
    public ClassScheme classScheme() {
        return kind().classScheme(classes, labels);
    }

    /** @return how the labels encode classes */
    public LabelCodec labelCodec() {
        return kind().labelCodec(classes, labels);
    }

    /**
     * Scans the dataset folder.
     *
     * @return the scenes
     * @throws IOException when a folder cannot be listed
     */
    public DatasetSource source() throws IOException {
        return kind().scan(data, classes, labels);
    }

    /**
     * The split of the paper for the dataset: GID 80% training and 20% for validation (the part
     * the paper calls its test set); Hi-CNA and tile folders 60/20/20 train/val/test.
     *
     * @return part name to fraction
     */
    public Map<String, Double> splitFractions() {
        return kind().splitFractions();
    }

    /**
     * The network for a number of input channels.
     *
     * @param inChannels the input bands
     * @return the model spec (one output for BCE, one per class for CE)
     */
    public ModelSpec modelSpec(int inChannels) {
        return new ModelSpec(model, conv, inChannels, loss.outputs(classScheme().classes()),
                modelOptions);
    }

    /** @return the convolution spec with every option's value written out */
    public ConvSpec resolvedConv() {
        return resolve(conv);
    }

    /**
     * A spec with every option's value written out, so {@code fadconv} and
     * {@code fadconv:k=4,p=16} compare equal.
     *
     * @param spec a spec
     * @return the resolved spec
     */
    public static ConvSpec resolve(ConvSpec spec) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Convs.Key k : Convs.type(spec.type()).keys()) {
            all.put(k.name(), spec.value(k.name()));
        }
        return new ConvSpec(spec.type(), all);
    }

    /**
     * Whether another config trains the same weights (convolution specs compared resolved).
     *
     * @param other a config
     * @return true if equal
     */
    public boolean sameTraining(TrainConfig other) {
        return other != null && withConv(resolvedConv()).equals(
                other.withConv(other.resolvedConv()));
    }

    // ------------------------------------------------------------------ files

    /** @return the config as JSON, a field per component in component order */
    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    /** @return the JSON text */
    public String toJsonString() {
        try {
            return Json.pretty(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a config; fields that are absent keep the dataset kind's preset values ({@code data}
     * and {@code dataset} are required). Unknown fields are an error.
     *
     * @param node the JSON object
     * @param source the file name for messages
     * @return the config
     */
    public static TrainConfig fromJson(JsonNode node, String source) {
        try {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            for (String f : List.of("data", "dataset")) {
                if (!node.hasNonNull(f) || !node.get(f).isTextual()) {
                    throw new IllegalArgumentException("field '" + f + "' must be a string");
                }
            }
            return builder(Path.of(node.get("data").asText()), node.get("dataset").asText())
                    .apply(node).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the config (atomically).
     *
     * @param file the file
     * @throws IOException on failure
     */
    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file, toJsonString());
    }

    /**
     * Reads a config file.
     *
     * @param file the file
     * @return the config
     * @throws IOException when it cannot be read
     */
    public static TrainConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + (Files.isDirectory(file)
                    ? ": is a folder; --config takes a JSON file (a run's config.json)"
                    : ": config file not found"));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
        return fromJson(node, file.toString());
    }

    /**
     * Layers of fields, validated together by {@link #build()}: each {@link #apply}, {@link
     * #set} or {@link #preset} overrides the fields it names. Field names and values are the
     * JSON ones (a value may be any object Jackson writes as that JSON: a number, a string, a
     * {@link ConvSpec}, a {@link Loss}, a {@link Path}, a list, a map).
     */
    public static final class Builder {
        private final ObjectNode fields;

        private Builder(ObjectNode fields) {
            this.fields = fields;
        }

        /**
         * Overrides the fields of an overlay.
         *
         * @param overlay an object of fields
         * @return this
         */
        public Builder apply(JsonNode overlay) {
            overlay.fields().forEachRemaining(e -> fields.set(e.getKey(), e.getValue()));
            return this;
        }

        /**
         * Overrides one field.
         *
         * @param field the field's name ({@link #FIELDS})
         * @param value its value
         * @return this
         */
        public Builder set(String field, Object value) {
            fields.set(field, Json.MAPPER.valueToTree(value));
            return this;
        }

        /**
         * Applies one of the paper's settings ({@link TrainConfig#preset}).
         *
         * @param name the preset
         * @return this
         */
        public Builder preset(String name) {
            return apply(TrainConfig.preset(name));
        }

        /** @return the validated config */
        public TrainConfig build() {
            return bind(fields);
        }
    }
}
