package io.fadconv.nn;

/**
 * Where a dynamic convolution's attention takes its per-channel descriptor from (the paper's
 * Table 7 compares the two).
 */
public enum AttentionMode {
    /** Frequency Attention: adaptive pool, truncated 2-D DCT, frequency fusion. */
    FAT("fat"),
    /** Global average pooling, as DYConv, ODConv and KernelWarehouse publish it. */
    GAP("gap");

    private final String key;

    AttentionMode(String key) {
        this.key = key;
    }

    /**
     * The short name used in spec strings ({@code att=fat}).
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * Parses a short name, case-insensitively.
     *
     * @param text the text
     * @return the mode
     * @throws IllegalArgumentException naming the valid values
     */
    public static AttentionMode parse(String text) {
        for (AttentionMode m : values()) {
            if (m.key.equalsIgnoreCase(text) || m.name().equalsIgnoreCase(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown attention '" + text + "'; valid: fat, gap");
    }
}
