package io.fadconv.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.DatasetSource;
import io.fadconv.data.Gid;
import io.fadconv.data.HiCna;
import io.fadconv.data.LabelCodec;
import io.fadconv.data.Splits;
import io.fadconv.data.TileFolder;
import io.fadconv.model.ModelSpec;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything that defines a training run, validated on construction: the data, the network, the
 * optimisation (Adam with L2 weight decay, constant learning rate, no augmentation, no
 * pretraining, as in the paper) and the seed. Two runs with equal configs (convolution specs
 * compared with their defaults filled in) train the same weights. Saved as {@code config.json}
 * in the run folder; {@code --config file.json} reads the same format.
 *
 * @param data the dataset folder (absolute)
 * @param dataset {@code gid}, {@code hicna}, {@code folder}, {@code synthetic} (the GID layout
 *     of {@code fadconv synth}, {@code <data>/gid}) or {@code synthetic-hicna} ({@code
 *     <data>/hicna}, both periods)
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
public record TrainConfig(Path data, String dataset, String labels, int classes, String model,
        ConvSpec conv, Map<String, String> modelOptions, List<Integer> bands, int tile,
        int epochs, int batch, double lr, double weightDecay, Loss loss, long seed,
        int trainTiles, int valTiles, int normSamples) {

    /** The dataset kinds. */
    public static final List<String> DATASETS = List.of("gid", "hicna", "folder", "synthetic",
            "synthetic-hicna");

    /** The folder label encodings. */
    public static final List<String> LABELS = List.of("auto", "binary", "ids", "gid");

    /** The named presets of the paper's two settings. */
    public static final List<String> PRESETS = List.of("gid", "hicna");


    /** Validates. */
    public TrainConfig {
        if (data == null) {
            throw new IllegalArgumentException("data: a dataset folder is required (--data)");
        }
        data = data.toAbsolutePath().normalize();
        dataset = dataset == null ? null : dataset.strip().toLowerCase(Locale.ROOT);
        if (!DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("dataset: unknown kind '" + dataset + "'; valid: "
                    + String.join(", ", DATASETS));
        }
        labels = labels == null ? "auto" : labels.strip().toLowerCase(Locale.ROOT);
        if (!LABELS.contains(labels)) {
            throw new IllegalArgumentException("labels: unknown encoding '" + labels
                    + "'; valid: " + String.join(", ", LABELS));
        }
        if (!labels.equals("auto") && !dataset.equals("folder")) {
            throw new IllegalArgumentException("labels: only a folder dataset takes a label "
                    + "encoding; " + dataset + " has its own");
        }
        int kindClasses = kindClasses(dataset);
        if (classes != 0 && (classes < 2 || kindClasses != 0 && classes != kindClasses)) {
            throw new IllegalArgumentException("classes: " + (kindClasses != 0 ? dataset + " has "
                    + kindClasses + " classes" : "a folder dataset needs >= 2 classes")
                    + ", got " + classes);
        }
        if (dataset.equals("folder") && labels.equals("gid") && classes != 0 && classes != 6) {
            throw new IllegalArgumentException("classes: GID colours encode 6 classes, got "
                    + classes);
        }
        if (conv == null) {
            throw new IllegalArgumentException("conv: a convolution spec is required (e.g. static"
                    + " or fadconv:k=4,p=16)");
        }
        modelOptions = Map.copyOf(modelOptions == null ? Map.of() : modelOptions);
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
        int schemeClasses = classes != 0 ? classes : kindClasses != 0 ? kindClasses
                : labels.equals("gid") ? 6 : 2;
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

    private static int kindClasses(String dataset) {
        return switch (dataset) {
            case "gid", "synthetic" -> 6;
            case "hicna", "synthetic-hicna" -> 2;
            default -> 0;
        };
    }

    /**
     * A builder starting from a dataset kind's preset: {@code gid} and {@code synthetic} take the
     * GID preset, the others the Hi-CNA preset; the synthetic kinds use 256-pixel tiles (the
     * generator's tile size).
     *
     * @param data the dataset folder
     * @param dataset the dataset kind
     * @return the builder
     */
    public static Builder builder(Path data, String dataset) {
        Builder b = new Builder();
        b.data = data;
        b.dataset = dataset;
        String kind = dataset == null ? "" : dataset.strip().toLowerCase(Locale.ROOT);
        b.preset(kind.equals("gid") || kind.equals("synthetic") ? "gid" : "hicna");
        if (kind.startsWith("synthetic")) {
            b.tile = 256;
        }
        return b;
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.data = data;
        b.dataset = dataset;
        b.labels = labels;
        b.classes = classes;
        b.model = model;
        b.conv = conv;
        b.modelOptions = new LinkedHashMap<>(modelOptions);
        b.bands = new ArrayList<>(bands);
        b.tile = tile;
        b.epochs = epochs;
        b.batch = batch;
        b.lr = lr;
        b.weightDecay = weightDecay;
        b.loss = loss;
        b.seed = seed;
        b.trainTiles = trainTiles;
        b.valTiles = valTiles;
        b.normSamples = normSamples;
        return b;
    }

    /**
     * The same with another convolution spec.
     *
     * @param other the spec
     * @return a new config
     */
    public TrainConfig withConv(ConvSpec other) {
        return toBuilder().conv(other).build();
    }

    /** @return the class names, colours and reported class of the dataset */
    public ClassScheme classScheme() {
        if (dataset.equals("folder")) {
            return ClassScheme.forDataset("folder", classes != 0 ? classes
                    : labels.equals("gid") ? 6 : 2);
        }
        return ClassScheme.forDataset(dataset, kindClasses(dataset));
    }

    /** @return how the labels encode classes */
    public LabelCodec labelCodec() {
        return switch (dataset) {
            case "gid", "synthetic" -> Gid.LABELS;
            case "hicna", "synthetic-hicna" -> HiCna.LABELS;
            default -> {
                ClassScheme s = classScheme();
                String enc = labels.equals("auto") ? s.classes() == 2 ? "binary" : "ids" : labels;
                yield switch (enc) {
                    case "binary" -> LabelCodec.binaryMask(s.names().get(0), s.names().get(1));
                    case "gid" -> Gid.LABELS;
                    default -> LabelCodec.classIds(s.names());
                };
            }
        };
    }

    /**
     * Scans the dataset folder.
     *
     * @return the scenes
     * @throws IOException when a folder cannot be listed
     */
    public DatasetSource source() throws IOException {
        return switch (dataset) {
            case "gid" -> Gid.scan(data);
            case "synthetic" -> Gid.scan(data.resolve("gid"));
            case "hicna" -> HiCna.scan(data);
            case "synthetic-hicna" -> HiCna.scan(data.resolve("hicna"));
            default -> TileFolder.scan(data, labelCodec());
        };
    }

    /**
     * The split of the paper for the dataset: GID 80% training and 20% for validation (the part
     * the paper calls its test set); Hi-CNA and tile folders 60/20/20 train/val/test.
     *
     * @return part name to fraction
     */
    public Map<String, Double> splitFractions() {
        return kindClasses(dataset) == 6 ? Splits.TRAIN_VAL_80_20
                : Splits.TRAIN_VAL_TEST_60_20_20;
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
        return other != null && toBuilder().conv(resolvedConv()).build()
                .equals(other.toBuilder().conv(other.resolvedConv()).build());
    }

    /** @return the config as JSON */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("data", data.toString());
        o.put("dataset", dataset);
        o.put("labels", labels);
        o.put("classes", classes);
        o.put("model", model);
        o.put("conv", conv.toString());
        ObjectNode opts = o.putObject("modelOptions");
        new java.util.TreeMap<>(modelOptions).forEach(opts::put);
        bands.forEach(o.putArray("bands")::add);
        o.put("tile", tile);
        o.put("epochs", epochs);
        o.put("batch", batch);
        o.put("lr", lr);
        o.put("weightDecay", weightDecay);
        o.put("loss", loss.id());
        o.put("seed", seed);
        o.put("trainTiles", trainTiles);
        o.put("valTiles", valTiles);
        o.put("normSamples", normSamples);
        return o;
    }

    /** @return the JSON text */
    public String toJsonString() {
        try {
            return Json.pretty(toJson()) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
            List<String> known = List.of("data", "dataset", "labels", "classes", "model", "conv",
                    "modelOptions", "bands", "tile", "epochs", "batch", "lr", "weightDecay",
                    "loss", "seed", "trainTiles", "valTiles", "normSamples");
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!known.contains(f)) {
                    throw new IllegalArgumentException("unknown field '" + f + "'; valid fields: "
                            + String.join(", ", known));
                }
            }
            Builder b = builder(Path.of(text(node, "data")), text(node, "dataset"));
            if (node.has("labels")) {
                b.labels(text(node, "labels"));
            }
            if (node.has("classes")) {
                b.classes(node.get("classes").asInt());
            }
            if (node.has("model")) {
                b.model(text(node, "model"));
            }
            if (node.has("conv")) {
                b.conv(ConvSpec.parse(text(node, "conv")));
            }
            if (node.has("modelOptions")) {
                Map<String, String> m = new LinkedHashMap<>();
                node.get("modelOptions").fields().forEachRemaining(e -> m.put(e.getKey(),
                        e.getValue().asText()));
                b.modelOptions(m);
            }
            if (node.has("bands")) {
                List<Integer> bs = new ArrayList<>();
                node.get("bands").forEach(v -> bs.add(v.asInt()));
                b.bands(bs);
            }
            if (node.has("tile")) {
                b.tile(integer(node, "tile"));
            }
            if (node.has("epochs")) {
                b.epochs(integer(node, "epochs"));
            }
            if (node.has("batch")) {
                b.batch(integer(node, "batch"));
            }
            if (node.has("lr")) {
                b.lr(node.get("lr").asDouble());
            }
            if (node.has("weightDecay")) {
                b.weightDecay(node.get("weightDecay").asDouble());
            }
            if (node.has("loss")) {
                b.loss(Loss.parse(text(node, "loss")));
            }
            if (node.has("seed")) {
                b.seed(node.get("seed").asLong());
            }
            if (node.has("trainTiles")) {
                b.trainTiles(integer(node, "trainTiles"));
            }
            if (node.has("valTiles")) {
                b.valTiles(integer(node, "valTiles"));
            }
            if (node.has("normSamples")) {
                b.normSamples(integer(node, "normSamples"));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer, got "
                    + v);
        }
        return v.asInt();
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
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
        return fromJson(node, file.toString());
    }

    /** A mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private Path data;
        private String dataset;
        private String labels = "auto";
        private int classes;
        private String model = "resnet18-unet";
        private ConvSpec conv = ConvSpec.parse("static");
        private Map<String, String> modelOptions = new LinkedHashMap<>();
        private List<Integer> bands = new ArrayList<>();
        private int tile = 512;
        private int epochs = 50;
        private int batch = 24;
        private double lr = 1e-4;
        private double weightDecay = 1e-4;
        private Loss loss = Loss.CE;
        private long seed;
        private int trainTiles;
        private int valTiles;
        private int normSamples = 256;

        private Builder() {}

        /**
         * Applies one of the paper's settings: {@code gid} (section 4.3: lr 1e-4, weight decay
         * 1e-4, batch 24, 50 epochs, cross-entropy) or {@code hicna} (section 4.4: lr 3e-4,
         * weight decay 1e-4, batch 16, 50 epochs, BCE); both with 512-pixel tiles.
         *
         * @param name the preset
         * @return this
         */
        public Builder preset(String name) {
            String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            switch (n) {
                case "gid" -> {
                    lr = 1e-4;
                    batch = 24;
                    loss = Loss.CE;
                }
                case "hicna" -> {
                    lr = 3e-4;
                    batch = 16;
                    loss = Loss.BCE;
                }
                default -> throw new IllegalArgumentException("preset: unknown '" + name
                        + "'; valid: " + String.join(", ", PRESETS));
            }
            weightDecay = 1e-4;
            epochs = 50;
            tile = 512;
            return this;
        }

        /** @param v the dataset folder @return this */
        public Builder data(Path v) {
            data = v;
            return this;
        }

        /** @param v the dataset kind @return this */
        public Builder dataset(String v) {
            dataset = v;
            return this;
        }

        /** @param v folder label encoding @return this */
        public Builder labels(String v) {
            labels = v;
            return this;
        }

        /** @param v classes of a folder dataset @return this */
        public Builder classes(int v) {
            classes = v;
            return this;
        }

        /** @param v the model name @return this */
        public Builder model(String v) {
            model = v;
            return this;
        }

        /** @param v the convolution spec @return this */
        public Builder conv(ConvSpec v) {
            conv = v;
            return this;
        }

        /** @param v model options @return this */
        public Builder modelOptions(Map<String, String> v) {
            modelOptions = new LinkedHashMap<>(v);
            return this;
        }

        /** @param v input bands (empty = all) @return this */
        public Builder bands(List<Integer> v) {
            bands = new ArrayList<>(v);
            return this;
        }

        /** @param v tile size @return this */
        public Builder tile(int v) {
            tile = v;
            return this;
        }

        /** @param v epochs @return this */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** @param v batch size @return this */
        public Builder batch(int v) {
            batch = v;
            return this;
        }

        /** @param v learning rate @return this */
        public Builder lr(double v) {
            lr = v;
            return this;
        }

        /** @param v weight decay @return this */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /** @param v the loss @return this */
        public Builder loss(Loss v) {
            loss = v;
            return this;
        }

        /** @param v the seed @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v tiles per epoch (0 = all) @return this */
        public Builder trainTiles(int v) {
            trainTiles = v;
            return this;
        }

        /** @param v validation tiles (0 = all) @return this */
        public Builder valTiles(int v) {
            valTiles = v;
            return this;
        }

        /** @param v normalisation samples (0 = all) @return this */
        public Builder normSamples(int v) {
            normSamples = v;
            return this;
        }

        /** @return the validated config */
        public TrainConfig build() {
            return new TrainConfig(data, dataset, labels, classes, model, conv, modelOptions,
                    bands, tile, epochs, batch, lr, weightDecay, loss, seed, trainTiles, valTiles,
                    normSamples);
        }
    }
}
