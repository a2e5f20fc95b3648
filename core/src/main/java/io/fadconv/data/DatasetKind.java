package io.fadconv.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset layout and everything that follows from it, registered once by name as the
 * convolution types ({@code nn.Convs}) and networks ({@code model.Models}) are: how its folder is
 * scanned, how its labels encode classes, its class scheme, the paper's split, the paper's
 * training preset and the tile size its scenes are cut into. Training configs, run folders and
 * the CLI name a kind by {@link #name()} and ask it; nothing else switches on the name.
 *
 * <p>Adding a layout: a class that scans it (like {@link Gid}), one {@link #register} line below,
 * its test, and its row in the README's dataset table.
 *
 * <p>A kind either fixes its classes and label encoding (GID, Hi-CNA and their synthetic
 * versions) or takes them from the config ({@code folder}: a class count and one of
 * {@link #ENCODINGS}).
 */
public final class DatasetKind {

    /** How a layout's folder becomes scenes. */
    @FunctionalInterface
    public interface Scan {
        /**
         * Scans a dataset folder.
         *
         * @param root the folder
         * @param labels how its labels encode classes
         * @return the scenes
         * @throws IOException when folders cannot be listed
         */
        DatasetSource scan(Path root, LabelCodec labels) throws IOException;
    }

    /**
     * The label encodings a kind without its own takes: {@code binary} (0 and 1 or 255),
     * {@code ids} (class ids), {@code gid} (GID colours); {@code auto} is binary for two classes
     * and ids otherwise, and the only one a kind with its own encoding accepts.
     */
    public static final List<String> ENCODINGS = List.of("auto", "binary", "ids", "gid");

    private static final Map<String, DatasetKind> KINDS = new LinkedHashMap<>();

    /**
     * GID: {@code <root>/image/} and {@code <root>/label/}, colour-coded labels of 6 classes,
     * 80/20 split, the paper's GID preset.
     */
    public static final DatasetKind GID = register(new DatasetKind("gid",
            (root, labels) -> Gid.scan(root), ClassScheme.GID,
            Gid.LABELS, Splits.TRAIN_VAL_80_20, "gid", 512, false));

    /**
     * Hi-CNA: {@code <root>/<period>/image/} and {@code label/}, binary cropland masks per
     * period, 60/20/20 split, the paper's Hi-CNA preset.
     */
    public static final DatasetKind HICNA = register(new DatasetKind("hicna",
            (root, labels) -> HiCna.scan(root), ClassScheme.HICNA, HiCna.LABELS,
            Splits.TRAIN_VAL_TEST_60_20_20, "hicna", 512, false));

    /**
     * A folder of tiles, {@code <root>/image/} and {@code <root>/label/}, with any number of
     * classes and any label encoding (the config's labels and classes).
     */
    public static final DatasetKind FOLDER = register(new DatasetKind("folder",
            TileFolder::scan, null, null, Splits.TRAIN_VAL_TEST_60_20_20, "hicna", 512, false));

    /** The GID layout {@code fadconv synth} writes, {@code <data>/gid}. */
    public static final DatasetKind SYNTHETIC = register(new DatasetKind("synthetic",
            (root, labels) -> Gid.scan(root.resolve("gid")), ClassScheme.GID,
            Gid.LABELS, Splits.TRAIN_VAL_80_20, "gid", 256, true));

    /** The Hi-CNA tiles {@code fadconv synth} writes, {@code <data>/hicna}. */
    public static final DatasetKind SYNTHETIC_HICNA = register(new DatasetKind(
            "synthetic-hicna", (root, labels) -> HiCna.scan(root.resolve("hicna")),
            ClassScheme.HICNA, HiCna.LABELS, Splits.TRAIN_VAL_TEST_60_20_20, "hicna", 256, true));

    private final String name;
    private final Scan scan;
    private final ClassScheme classes;
    private final LabelCodec labels;
    private final Map<String, Double> split;
    private final String preset;
    private final int tile;
    private final boolean synthetic;

    /**
     * A kind.
     *
     * @param name the name configs and the CLI use
     * @param scan how its folder is scanned
     * @param classes its class scheme, or null when the config gives the classes
     * @param labels its label encoding, or null when the config chooses one of
     *     {@link #ENCODINGS}
     * @param split the paper's split fractions by part name
     * @param preset the training preset of its setting in the paper ({@code train.TrainConfig})
     * @param tile the tile size its scenes are cut into by default
     * @param synthetic whether {@code fadconv synth} writes it (reports say "synthetic data"; the
     *     CLI generates a missing folder)
     */
    public DatasetKind(String name, Scan scan, ClassScheme classes, LabelCodec labels,
            Map<String, Double> split, String preset, int tile, boolean synthetic) {
        this.name = Objects.requireNonNull(name, "name");
        this.scan = Objects.requireNonNull(scan, "scan");
        if ((classes == null) != (labels == null)) {
            throw new IllegalArgumentException(name + ": a kind fixes both its classes and its "
                    + "label encoding, or neither");
        }
        this.classes = classes;
        this.labels = labels;
        this.split = Collections.unmodifiableMap(new LinkedHashMap<>(split));
        this.preset = Objects.requireNonNull(preset, "preset");
        this.tile = tile;
        this.synthetic = synthetic;
    }

    /**
     * Registers a kind under its name.
     *
     * @param kind the kind
     * @return the kind
     * @throws IllegalArgumentException when the name is taken
     */
    public static synchronized DatasetKind register(DatasetKind kind) {
        if (KINDS.putIfAbsent(kind.name, kind) != null) {
            throw new IllegalArgumentException("dataset kind '" + kind.name
                    + "' is registered already");
        }
        return kind;
    }

    /**
     * The kind of a name (case and surrounding blanks ignored).
     *
     * @param name a kind name
     * @return the kind
     * @throws IllegalArgumentException naming the valid kinds
     */
    public static synchronized DatasetKind get(String name) {
        DatasetKind k = name == null ? null : KINDS.get(name.strip().toLowerCase(Locale.ROOT));
        if (k == null) {
            throw new IllegalArgumentException("dataset: unknown kind '" + name + "'; valid: "
                    + String.join(", ", names()));
        }
        return k;
    }

    /** @return the registered names, in registration order */
    public static synchronized List<String> names() {
        return List.copyOf(KINDS.keySet());
    }

    /** @return the registered kinds, in registration order */
    public static synchronized Collection<DatasetKind> all() {
        return List.copyOf(KINDS.values());
    }

    /**
     * The kinds with classes of their own, whose names can stand for a class scheme ({@code cna
     * --classes}).
     *
     * @param name a kind name
     * @return its class scheme
     * @throws IllegalArgumentException naming the kinds that have one
     */
    public static ClassScheme classesOf(String name) {
        List<String> fixed = all().stream().filter(DatasetKind::fixesClasses)
                .map(DatasetKind::name).toList();
        DatasetKind k = KINDS.get(name == null ? "" : name.strip().toLowerCase(Locale.ROOT));
        if (k == null || !k.fixesClasses()) {
            throw new IllegalArgumentException("--classes must be one of " + String.join(", ",
                    fixed) + " (a dataset kind with classes of its own), got '" + name + "'");
        }
        return k.classes;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return whether the kind has classes and a label encoding of its own */
    public boolean fixesClasses() {
        return classes != null;
    }

    /** @return the paper's split fractions by part name */
    public Map<String, Double> splitFractions() {
        return split;
    }

    /** @return the name of the training preset of the kind's setting in the paper */
    public String preset() {
        return preset;
    }

    /** @return the tile size the kind's scenes are cut into by default */
    public int defaultTile() {
        return tile;
    }

    /** @return whether {@code fadconv synth} writes this kind */
    public boolean synthetic() {
        return synthetic;
    }

    /**
     * Checks a config's class count and label encoding against the kind.
     *
     * @param count the class count asked for, 0 for the kind's (folder: from the encoding)
     * @param encoding one of {@link #ENCODINGS}
     * @throws IllegalArgumentException naming the field and what is allowed
     */
    public void validate(int count, String encoding) {
        if (!ENCODINGS.contains(encoding)) {
            throw new IllegalArgumentException("labels: unknown encoding '" + encoding
                    + "'; valid: " + String.join(", ", ENCODINGS));
        }
        if (!encoding.equals("auto") && fixesClasses()) {
            throw new IllegalArgumentException("labels: only a folder dataset takes a label "
                    + "encoding; " + name + " has its own");
        }
        int own = fixesClasses() ? classes.classes() : 0;
        if (count != 0 && (count < 2 || own != 0 && count != own)) {
            throw new IllegalArgumentException("classes: " + (own != 0 ? name + " has " + own
                    + " classes" : "a folder dataset needs >= 2 classes") + ", got " + count);
        }
        int encoded = encoding.equals("gid") ? ClassScheme.GID.classes()
                : encoding.equals("binary") ? 2 : 0;
        if (encoded != 0 && count != 0 && count != encoded) {
            throw new IllegalArgumentException("classes: " + (encoding.equals("gid")
                    ? "GID colours" : "binary masks") + " encode " + encoded + " classes, got "
                    + count);
        }
    }

    /**
     * The number of classes.
     *
     * @param count the class count asked for, 0 for the kind's
     * @param encoding the label encoding
     * @return the classes
     */
    public int classCount(int count, String encoding) {
        return fixesClasses() ? classes.classes() : count != 0 ? count
                : encoding.equals("gid") ? ClassScheme.GID.classes() : 2;
    }

    /**
     * The class names, colours and reported class. A folder of two classes takes Hi-CNA's
     * (non-cropland, cropland), of six GID's, of any other count "class 0", "class 1", ...
     *
     * @param count the class count asked for, 0 for the kind's
     * @param encoding the label encoding
     * @return the scheme
     */
    public ClassScheme classScheme(int count, String encoding) {
        if (fixesClasses()) {
            return classes;
        }
        int n = classCount(count, encoding);
        return n == ClassScheme.HICNA.classes() ? ClassScheme.HICNA
                : n == ClassScheme.GID.classes() ? ClassScheme.GID : ClassScheme.numbered(n);
    }

    /**
     * How the labels encode classes.
     *
     * @param count the class count asked for, 0 for the kind's
     * @param encoding the label encoding
     * @return the codec
     */
    public LabelCodec labelCodec(int count, String encoding) {
        if (fixesClasses()) {
            return labels;
        }
        ClassScheme s = classScheme(count, encoding);
        String e = encoding.equals("auto") ? s.classes() == 2 ? "binary" : "ids" : encoding;
        return switch (e) {
            case "binary" -> LabelCodec.binaryMask(s.names().get(0), s.names().get(1));
            case "gid" -> Gid.LABELS;
            default -> LabelCodec.classIds(s.names());
        };
    }

    /**
     * Scans a dataset folder of this kind.
     *
     * @param root the folder
     * @param count the class count asked for, 0 for the kind's
     * @param encoding the label encoding
     * @return the scenes
     * @throws IOException when folders cannot be listed
     */
    public DatasetSource scan(Path root, int count, String encoding) throws IOException {
        return scan.scan(root, labelCodec(count, encoding));
    }

    @Override
    public String toString() {
        return name;
    }
}
