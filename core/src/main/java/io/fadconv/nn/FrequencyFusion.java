package io.fadconv.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How Frequency Attention turns the kept DCT coefficients of one channel into one scalar (the
 * fusion modes of the paper's Table 6).
 */
public enum FrequencyFusion {
    /** The reference's small network: Linear(n*n + h*h, 32), ReLU, Linear(32, 1), sigmoid. */
    NETWORK("net"),
    /** The plain sum of the kept coefficients ("add"). */
    SUM("sum"),
    /** The sum of the absolute values of the kept coefficients ("add of abs"). */
    ABS_SUM("abs"),
    /**
     * FcaNet's multi-spectral descriptor: channel group i takes one fixed frequency from
     * FcaNet's "top" list (scaled from a 7 x 7 grid to p x p), with FcaNet's orthonormal filter.
     */
    FCA("fca");

    private final String key;

    FrequencyFusion(String key) {
        this.key = key;
    }

    /**
     * The short name used in spec strings ({@code fusion=net}).
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * Parses a short name or an enum name, case-insensitively.
     *
     * @param text the text
     * @return the fusion mode
     * @throws IllegalArgumentException naming the valid values
     */
    public static FrequencyFusion parse(String text) {
        for (FrequencyFusion f : values()) {
            if (f.key.equalsIgnoreCase(text) || f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "unknown fusion '" + text + "'; valid: " + validKeys());
    }

    static String validKeys() {
        return Arrays.stream(values()).map(FrequencyFusion::key).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
