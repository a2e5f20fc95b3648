package io.fadconv.model;

import io.fadconv.nn.Convs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One registered network: name, description, options (keys with defaults and checks, in the
 * {@link Convs.Key} form the convolution vocabulary uses) and the builder.
 *
 * @param name the name in specs and on the command line
 * @param description one line for help texts
 * @param keys the options, in canonical order
 * @param factory builds the (uninitialised) model
 */
public record ModelType(String name, String description, List<Convs.Key> keys,
        Function<ModelSpec, SegmentationModel> factory) {

    /**
     * Checks options against the keys and orders them canonically.
     *
     * @param options options as given
     * @return the options in key order
     * @throws IllegalArgumentException for unknown keys or invalid values
     */
    public Map<String, String> canonical(Map<String, String> options) {
        for (String k : options.keySet()) {
            if (keys.stream().noneMatch(key -> key.name().equals(k))) {
                throw new IllegalArgumentException("unknown option '" + k + "' for model " + name
                        + "; valid options: " + keys.stream().map(Convs.Key::name)
                                .collect(Collectors.joining(", ")));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Convs.Key key : keys) {
            String v = options.get(key.name());
            if (v == null) {
                continue;
            }
            boolean ok;
            try {
                ok = key.valid().test(v);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                throw new IllegalArgumentException("invalid option " + key.name() + "=" + v
                        + " for model " + name + "; allowed: " + key.allowed());
            }
            out.put(key.name(), v);
        }
        return out;
    }

    /**
     * The default of a key.
     *
     * @param key the key
     * @return its default
     */
    public String defaultValue(String key) {
        return keys.stream().filter(k -> k.name().equals(key)).findFirst()
                .map(Convs.Key::defaultValue)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no option '" + key + "' for model " + name));
    }
}
