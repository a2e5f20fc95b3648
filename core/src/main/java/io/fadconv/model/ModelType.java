package io.fadconv.model;

import io.fadconv.nn.Convs;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
     * Checks options against the keys and orders them canonically, with the same rules and
     * messages as convolution specs (the table of keys is the same kind).
     *
     * @param options options as given
     * @return the options in key order
     * @throws IllegalArgumentException for unknown keys or invalid values, listing what is valid
     */
    public Map<String, String> canonical(Map<String, String> options) {
        return keyTable().canonical(options);
    }

    /**
     * The default of a key.
     *
     * @param key the key
     * @return its default
     */
    public String defaultValue(String key) {
        return keyTable().defaultValue(key);
    }

    /** The options as a key table of the convolution vocabulary (which builds nothing here). */
    private Convs.Type keyTable() {
        return new Convs.Type(name, description, keys, null);
    }
}
