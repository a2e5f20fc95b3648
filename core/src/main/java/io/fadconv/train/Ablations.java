package io.fadconv.train;

import io.fadconv.nn.ConvSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The convolution lists of the paper's comparisons, by name, for {@code fadconv experiment
 * --ablation NAME}. Each starts with the static baseline. Tables 6 and 7 were run with p = 32:
 * their FADConv rows (82.5 / 90.9 / 84.4 / 86.1 / 85.3 / 74.3) are Table 2's
 * "FDConv(4x, p=32)" row, and Table 7's "dynamic conv" row is Table 2's DYConv row.
 */
public final class Ablations {

    /**
     * One comparison.
     *
     * @param name the preset name
     * @param table what it reproduces
     * @param convs the specs, baseline first
     */
    public record Preset(String name, String table, List<String> convs) {
        /** @return the parsed specs */
        public List<ConvSpec> specs() {
            return convs.stream().map(ConvSpec::parse).toList();
        }
    }

    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        add("rivals", "Tables 1-2: dynamic convolutions compared", "static", "dyconv:k=4",
                "odconv:k=4", "kw:b=4", "fadconv:k=4,p=16", "fadconv:k=4,p=32");
        add("fat", "Table 3 and Figure 5: GAP attention of the rivals replaced by FAT (p=16)",
                "static", "dyconv:k=4", "fadconv:k=4,p=16", "odconv:k=4", "fodconv:k=4,p=16",
                "kw:b=4", "fkw:b=4,p=16");
        add("experts", "Table 4: expert kernels K = 2, 4, 6, 8 (p=16)", "static",
                "fadconv:k=2,p=16", "fadconv:k=4,p=16", "fadconv:k=6,p=16", "fadconv:k=8,p=16");
        add("pool", "Table 5: pool sizes p = 8, 16, 32 (K=4)", "static", "fadconv:k=4,p=8",
                "fadconv:k=4,p=16", "fadconv:k=4,p=32");
        add("fusion", "Table 6: frequency fusion FCA, sum, sum of abs, network (K=4, p=32)",
                "static", "fadconv:k=4,p=32,fusion=fca", "fadconv:k=4,p=32,fusion=sum",
                "fadconv:k=4,p=32,fusion=abs", "fadconv:k=4,p=32,fusion=net");
        add("attention", "Table 7: GAP versus FAT attention (K=4, p=32)", "static",
                "fadconv:k=4,p=32,att=gap", "fadconv:k=4,p=32");
    }

    private Ablations() {}

    private static void add(String name, String table, String... convs) {
        PRESETS.put(name, new Preset(name, table, List.of(convs)));
    }

    /** @return every preset, in the paper's order */
    public static List<Preset> all() {
        return List.copyOf(PRESETS.values());
    }

    /**
     * A preset by name.
     *
     * @param name the name
     * @return the preset
     * @throws IllegalArgumentException listing the names
     */
    public static Preset get(String name) {
        Preset p = name == null ? null : PRESETS.get(name.strip().toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown ablation '" + name + "'; valid: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return p;
    }
}
