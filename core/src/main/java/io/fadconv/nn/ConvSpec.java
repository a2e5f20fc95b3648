package io.fadconv.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A convolution type and its options, as one string: {@code static},
 * {@code fadconv:k=4,p=16,n=4,h=0,fusion=net,att=fat}, {@code dyconv:k=4,t=34}, ... The
 * vocabulary (types, keys, defaults) lives in {@link Convs}; parsing checks every key and value
 * against it, so a typo is an error that lists what is valid. {@link #toString()} gives back a
 * string that parses to an equal spec.
 *
 * @param type the convolution type
 * @param options the options given (defaults are not filled in), in the type's key order
 */
public record ConvSpec(String type, Map<String, String> options) {

    /** Validates the type and every option, and fixes the option order. */
    public ConvSpec {
        Convs.Type t = Convs.type(type);
        options = Collections.unmodifiableMap(t.canonical(options));
        type = t.name();
    }

    /**
     * Parses {@code type[:key=value,key=value...]}.
     *
     * @param text the spec
     * @return the spec
     * @throws IllegalArgumentException naming what is wrong and what is valid
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static ConvSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(
                    "empty convolution spec; valid types: " + Convs.typeNames());
        }
        String s = text.strip();
        int colon = s.indexOf(':');
        String type = colon < 0 ? s : s.substring(0, colon);
        Map<String, String> opts = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = s.substring(colon + 1);
            if (rest.isBlank()) {
                throw new IllegalArgumentException("spec '" + text + "': nothing after ':'");
            }
            for (String part : rest.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0 || eq == part.length() - 1) {
                    throw new IllegalArgumentException("spec '" + text + "': '" + part
                            + "' is not key=value");
                }
                String key = part.substring(0, eq).strip();
                if (opts.put(key, part.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException(
                            "spec '" + text + "': key '" + key + "' given twice");
                }
            }
        }
        try {
            return new ConvSpec(type.strip(), opts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * An option as an int, or the type's default.
     *
     * @param key the key
     * @return the value
     */
    public int intValue(String key) {
        return Integer.parseInt(value(key));
    }

    /**
     * An option as a float, or the type's default.
     *
     * @param key the key
     * @return the value
     */
    public float floatValue(String key) {
        return Float.parseFloat(value(key));
    }

    /**
     * An option as text, or the type's default.
     *
     * @param key the key
     * @return the value
     */
    public String value(String key) {
        String v = options.get(key);
        return v != null ? v : Convs.type(type).defaultValue(key);
    }

    /** @return whether this is the plain convolution */
    public boolean isStatic() {
        return type.equals("static");
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonValue
    public String toString() {
        if (options.isEmpty()) {
            return type;
        }
        StringBuilder sb = new StringBuilder(type).append(':');
        options.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
