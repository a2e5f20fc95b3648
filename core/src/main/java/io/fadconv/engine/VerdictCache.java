package io.fadconv.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Remembers, per kind of machine, the configurations the self-check found wrong, so that later
 * processes skip them. The errors seen on an affected CPU were intermittent: a check that happens
 * to pass there must not hand a later process a configuration already seen to be wrong. Only
 * real failures are recorded (never simulated ones), in {@code engine-verdicts.json}.
 */
final class VerdictCache {

    private static final String FIELD = "wrong";

    private final MachineFile file;

    private VerdictCache(MachineFile file) {
        this.file = file;
    }

    /**
     * The verdicts of this machine, or null when caching is off.
     *
     * @param key the machine key
     * @return the cache or null
     */
    static VerdictCache open(String key) {
        MachineFile f = MachineFile.open("engine-verdicts", key);
        return f == null ? null : new VerdictCache(f);
    }

    /**
     * The file it lives in.
     *
     * @return the path
     */
    Path file() {
        return file.path();
    }

    /**
     * The configurations found wrong on this kind of machine.
     *
     * @return the set (empty when nothing is known)
     */
    Set<EngineConfig> wrong() {
        Set<EngineConfig> out = EnumSet.noneOf(EngineConfig.class);
        if (file.read().get(FIELD) instanceof ArrayNode ids) {
            ids.forEach(id -> {
                try {
                    out.add(EngineConfig.of(id.asText()));
                } catch (IllegalArgumentException e) {
                    // a name from another version of the project: ignore it
                }
            });
        }
        return out;
    }

    /**
     * Records a configuration found wrong here.
     *
     * @param config the configuration
     */
    void recordWrong(EngineConfig config) {
        Set<EngineConfig> all = wrong();
        all.add(config);
        ArrayNode ids = JsonNodeFactory.instance.arrayNode();
        all.forEach(c -> ids.add(c.id()));
        file.put(FIELD, ids);
    }

    /** Forgets every verdict of this machine ({@code fadconv doctor --recheck}). */
    void forget() {
        file.put(FIELD, JsonNodeFactory.instance.arrayNode());
    }
}
