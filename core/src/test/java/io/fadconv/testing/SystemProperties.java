package io.fadconv.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * System properties a test sets, each put back as it was when closed (cleared if it was unset),
 * however the test ends:
 *
 * <pre>{@code
 * try (SystemProperties props = new SystemProperties().set("fadconv.tune", "on")) {
 *     ...
 *     props.set("fadconv.tune", "off"); // still restored to the value before the first set
 * }
 * }</pre>
 */
public final class SystemProperties implements AutoCloseable {

    /** Each key's value before its first set here; null when it was unset. */
    private final Map<String, String> before = new LinkedHashMap<>();

    /**
     * Sets a property, remembering its value before the first set.
     *
     * @param key the property
     * @param value its value for the test
     * @return this, to set more
     */
    public SystemProperties set(String key, String value) {
        if (!before.containsKey(key)) {
            before.put(key, System.getProperty(key));
        }
        System.setProperty(key, value);
        return this;
    }

    /** Puts every property set here back as it was, the last set first. */
    @Override
    public void close() {
        List<String> keys = new ArrayList<>(before.keySet());
        for (int i = keys.size() - 1; i >= 0; i--) {
            String value = before.get(keys.get(i));
            if (value == null) {
                System.clearProperty(keys.get(i));
            } else {
                System.setProperty(keys.get(i), value);
            }
        }
        before.clear();
    }
}
