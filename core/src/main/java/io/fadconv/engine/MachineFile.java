package io.fadconv.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small JSON file of facts learned on one kind of machine (one object per machine key), kept
 * under DJL's cache directory ({@code ~/.djl.ai/fadconv/NAME.json}, or
 * {@code -Dfadconv.engine.cache.dir}, or the environment's {@code FADCONV_ENGINE_CACHE_DIR}, which
 * child processes inherit: the tests point it into {@code target/} so that nothing they do, a
 * deliberately broken route included, is remembered for the machine). What is stored only saves
 * work a later process would otherwise repeat; a missing, unreadable or unwritable file changes
 * no result, so read and write errors are swallowed. {@code -Dfadconv.engine.cache=off} turns
 * every such file off.
 */
public final class MachineFile {


    private final Path file;
    private final String key;

    private MachineFile(Path file, String key) {
        this.file = file;
        this.key = key;
    }

    /**
     * The file of a name for a machine key, or null when caching is off.
     *
     * @param name the file's name without extension
     * @param key the machine key ({@link EngineStatus#machineKey()})
     * @return the file or null
     */
    public static MachineFile open(String name, String key) {
        Path base = directory();
        return base == null ? null : new MachineFile(base.resolve(name + ".json"), key);
    }

    /**
     * The directory what this machine taught is kept in.
     *
     * @return the directory (it may not exist yet), or null when caching is off
     */
    public static Path directory() {
        if ("off".equalsIgnoreCase(System.getProperty("fadconv.engine.cache", "on"))) {
            return null;
        }
        String dir = System.getProperty("fadconv.engine.cache.dir",
                System.getenv("FADCONV_ENGINE_CACHE_DIR"));
        return dir != null ? Path.of(dir) : ai.djl.util.Utils.getCacheDir().resolve("fadconv");
    }

    /**
     * Where it lives.
     *
     * @return the path
     */
    public Path path() {
        return file;
    }

    /**
     * This machine's object.
     *
     * @return its entries (an empty object when none)
     */
    public synchronized ObjectNode read() {
        ObjectNode root = root();
        return root.get(key) instanceof ObjectNode o ? o.deepCopy() : Json.object();
    }

    /**
     * This machine's entries as text, sorted by name.
     *
     * @param file the file, or null (caching off)
     * @return entry name to its text; empty when none
     */
    public static java.util.SortedMap<String, String> texts(MachineFile file) {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        if (file != null) {
            file.read().fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /**
     * Sets one entry of this machine's object and writes the file atomically.
     *
     * @param field the entry
     * @param value its value
     */
    public void put(String field, JsonNode value) {
        ObjectNode one = Json.object();
        one.set(field, value);
        putAll(one);
    }

    /**
     * Sets several entries of this machine's object in one atomic write, so that no reader sees
     * some of them without the others.
     *
     * @param fields the entries
     */
    public synchronized void putAll(ObjectNode fields) {
        ObjectNode root = root();
        ObjectNode mine = root.get(key) instanceof ObjectNode o ? o : root.putObject(key);
        mine.setAll(fields);
        write(root);
    }

    /**
     * Forgets this machine's object, in one atomic write; other machines' objects are kept.
     *
     * @return how many entries it held
     */
    public synchronized int clear() {
        ObjectNode root = root();
        int entries = root.get(key) instanceof ObjectNode o ? o.size() : 0;
        if (root.remove(key) != null) {
            write(root);
        }
        return entries;
    }

    private void write(ObjectNode root) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeString(file, Json.pretty(root) + "\n");
        } catch (IOException | RuntimeException e) {
            // caching only saves work; see the class comment
        }
    }

    private ObjectNode root() {
        try {
            if (Files.isRegularFile(file) && Json.MAPPER.readTree(file.toFile()) instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException | RuntimeException e) {
            // see the class comment
        }
        return Json.object();
    }
}
