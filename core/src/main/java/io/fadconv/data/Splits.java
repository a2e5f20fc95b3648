package io.fadconv.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A random split of samples into named parts (train/val or train/val/test), by split group so
 * that tiles of one place in two periods stay together. The groups are sorted, shuffled with
 * {@code java.util.Random(seed)} (the same on every JVM) and cut by the fractions; the split is
 * saved as JSON so it can be inspected and reused.
 *
 * @param seed the shuffle seed
 * @param fractions part name to fraction, in order (sum 1)
 * @param parts part name to its groups, sorted
 */
public record Splits(long seed, Map<String, Double> fractions, Map<String, List<String>> parts) {

    /** GID in the paper: 80% training, 20% validation. */
    public static final Map<String, Double> TRAIN_VAL_80_20 = ordered("train", 0.8, "val", 0.2);

    /** Hi-CNA in the paper: 60% training, 20% validation, 20% test. */
    public static final Map<String, Double> TRAIN_VAL_TEST_60_20_20 =
            ordered("train", 0.6, "val", 0.2, "test", 0.2);

    /** Validates. */
    public Splits {
        fractions = Collections.unmodifiableMap(new LinkedHashMap<>(fractions));
        double sum = 0;
        for (Map.Entry<String, Double> e : fractions.entrySet()) {
            if (!(e.getValue() >= 0)) {
                throw new IllegalArgumentException("split fraction of '" + e.getKey()
                        + "' must be >= 0, got " + e.getValue());
            }
            sum += e.getValue();
        }
        if (fractions.isEmpty() || Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("split fractions must sum to 1, got " + fractions);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (String name : fractions.keySet()) {
            copy.put(name, List.copyOf(parts.getOrDefault(name, List.of())));
        }
        parts = Collections.unmodifiableMap(copy);
    }

    private static Map<String, Double> ordered(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Double) kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Splits samples at random.
     *
     * @param samples the samples
     * @param seed the seed
     * @param fractions part name to fraction (e.g. {@link #TRAIN_VAL_80_20})
     * @return the split; part i gets groups {@code round(n * (f_1 + .. + f_i))} minus the previous
     */
    public static Splits random(List<Sample> samples, long seed, Map<String, Double> fractions) {
        List<String> groups = new ArrayList<>(new TreeSet<>(samples.stream().map(Sample::group)
                .toList()));
        Collections.shuffle(groups, new Random(seed));
        Map<String, List<String>> parts = new LinkedHashMap<>();
        double cum = 0;
        int from = 0;
        for (Map.Entry<String, Double> e : fractions.entrySet()) {
            cum += e.getValue();
            int to = (int) Math.min(groups.size(), Math.round(groups.size() * cum));
            List<String> part = new ArrayList<>(groups.subList(from, to));
            Collections.sort(part);
            parts.put(e.getKey(), part);
            from = to;
        }
        return new Splits(seed, fractions, parts);
    }

    /**
     * The samples of one part, in their original order.
     *
     * @param samples all samples (those the split was made from)
     * @param part the part name
     * @return the part's samples
     * @throws IllegalArgumentException when the part is unknown, or the split names a group the
     *     samples do not have (the dataset changed)
     */
    public List<Sample> select(List<Sample> samples, String part) {
        List<String> groups = parts.get(part);
        if (groups == null) {
            throw new IllegalArgumentException("no split part '" + part + "'; parts: "
                    + parts.keySet());
        }
        Map<String, Boolean> wanted = new HashMap<>();
        for (String g : groups) {
            wanted.put(g, Boolean.FALSE);
        }
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (wanted.containsKey(s.group())) {
                wanted.put(s.group(), Boolean.TRUE);
                out.add(s);
            }
        }
        for (Map.Entry<String, Boolean> e : wanted.entrySet()) {
            if (!e.getValue()) {
                throw new IllegalArgumentException("the split's part '" + part + "' lists '"
                        + e.getKey() + "', which the dataset does not have; the dataset changed "
                        + "since the split was made: make a new split");
            }
        }
        return out;
    }

    /**
     * Writes the split as JSON (atomically).
     *
     * @param file the file
     * @throws IOException on failure
     */
    public void save(Path file) throws IOException {
        ObjectNode root = Json.object();
        root.put("seed", seed);
        ObjectNode f = root.putObject("fractions");
        fractions.forEach(f::put);
        ObjectNode c = root.putObject("counts");
        parts.forEach((k, v) -> c.put(k, v.size()));
        ObjectNode p = root.putObject("parts");
        parts.forEach((k, v) -> v.forEach(p.putArray(k)::add));
        AtomicFiles.writeString(file, Json.pretty(root) + "\n");
    }

    /**
     * Reads a split written by {@link #save}.
     *
     * @param file the file
     * @return the split
     * @throws IOException on read failure
     * @throws IllegalArgumentException naming the file when it is not a split
     */
    public static Splits load(Path file) throws IOException {
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            Map<String, Double> fr = new LinkedHashMap<>();
            Json.field(root, "fractions").fields().forEachRemaining(e -> fr.put(e.getKey(),
                    e.getValue().asDouble()));
            Map<String, List<String>> parts = new LinkedHashMap<>();
            Json.field(root, "parts").fields().forEachRemaining(e -> {
                List<String> g = new ArrayList<>();
                e.getValue().forEach(v -> g.add(v.asText()));
                parts.put(e.getKey(), g);
            });
            return new Splits(Json.field(root, "seed").asLong(), fr, parts);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a split file (" + e.getMessage()
                    + ")", e);
        }
    }
}
