package io.fadconv.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Remembers, per kind of machine, the configurations the self-check found wrong, so that later
 * processes skip them. The errors seen on an affected CPU were intermittent: a check that happens
 * to pass there must not hand a later process a configuration already seen to be wrong. Only
 * real failures are recorded (never simulated ones), in one small JSON file under DJL's cache
 * directory; {@code -Dfadconv.engine.cache=off} turns it off.
 */
final class VerdictCache {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String key;

    private VerdictCache(Path file, String key) {
        this.file = file;
        this.key = key;
    }

    /**
     * The cache for this machine, or null when turned off.
     *
     * @param key what identifies this kind of machine and engine
     * @return the cache or null
     */
    static VerdictCache open(String key) {
        if ("off".equalsIgnoreCase(System.getProperty("fadconv.engine.cache", "on"))) {
            return null;
        }
        String dir = System.getProperty("fadconv.engine.cache.dir");
        Path base = dir != null ? Path.of(dir) : ai.djl.util.Utils.getCacheDir().resolve("fadconv");
        return new VerdictCache(base.resolve("engine-verdicts.json"), key);
    }

    /**
     * The key of a machine: processor, engine versions, threads and any instruction-set cap.
     *
     * @param cpu the processor
     * @param pytorch the native's version
     * @param djl DJL's version
     * @param threads intra-op threads
     * @param maxIsa the cap or null
     * @return the key
     */
    static String key(CpuInfo cpu, String pytorch, String djl, int threads, String maxIsa) {
        return cpu.modelName() + "|" + cpu.vendor() + "|" + cpu.family() + "/" + cpu.model() + "/"
                + cpu.stepping() + "|" + cpu.vectorFlags() + "|pytorch " + pytorch + "|djl " + djl
                + "|threads " + threads + "|isa " + maxIsa;
    }

    /**
     * The file it lives in.
     *
     * @return the path
     */
    Path file() {
        return file;
    }

    /**
     * The configurations found wrong on this kind of machine.
     *
     * @return the set (empty when nothing is known or the file is unreadable)
     */
    Set<EngineConfig> wrong() {
        Set<EngineConfig> out = EnumSet.noneOf(EngineConfig.class);
        try {
            if (Files.isRegularFile(file)) {
                ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
                if (root.get(key) instanceof ArrayNode ids) {
                    ids.forEach(id -> out.add(EngineConfig.of(id.asText())));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable cache only costs a check; it never decides anything by itself
        }
        return out;
    }

    /**
     * Records a configuration found wrong here. Failing to write is harmless (the check runs
     * again next time), so errors are swallowed.
     *
     * @param config the configuration
     */
    void recordWrong(EngineConfig config) {
        try {
            ObjectNode root = Files.isRegularFile(file) && JSON.readTree(file.toFile())
                    instanceof ObjectNode o ? o : JSON.createObjectNode();
            ArrayNode ids = root.get(key) instanceof ArrayNode a ? a : root.putArray(key);
            for (var id : ids) {
                if (id.asText().equals(config.id())) {
                    return;
                }
            }
            ids.add(config.id());
            Files.createDirectories(file.getParent());
            AtomicFiles.writeString(file,
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException | RuntimeException e) {
            // see above
        }
    }
}
