package io.fadconv.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The processor as Linux describes it in {@code /proc/cpuinfo}: what the engine's kernels depend
 * on (vendor, family, model, the vector extensions), for reports and for keying the verdicts of
 * the self-check to one kind of machine.
 *
 * @param modelName the marketing name, e.g. {@code AMD EPYC}
 * @param vendor e.g. {@code AuthenticAMD}
 * @param family CPU family (26 is AMD Zen 5, 25 Zen 3/4, 6 most Intel)
 * @param model model number
 * @param stepping stepping
 * @param flags the flags
 * @param mhz the clock {@code cpu MHz} gives (on a VM the host's nominal clock, on bare metal the
 *     current one), 0 when not given
 * @param threadsPerCore logical CPUs per physical core ({@code siblings / cpu cores}; 1 when not
 *     given)
 */
public record CpuInfo(String modelName, String vendor, int family, int model, int stepping,
        Set<String> flags, double mhz, int threadsPerCore) {

    /** The vector extensions that decide which oneDNN and BLAS kernels run. */
    public static final List<String> VECTOR_FLAGS = List.of("avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vp2intersect",
            "avx_vnni", "amx_tile", "amx_bf16");

    /**
     * Reads this machine's processor.
     *
     * @return the description; unknown fields when /proc/cpuinfo cannot be read
     */
    public static CpuInfo read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new CpuInfo(System.getProperty("os.arch", "unknown"), "unknown", -1, -1, -1,
                    Set.of(), 0, 1);
        }
    }

    /**
     * Parses the first processor of a {@code /proc/cpuinfo} text.
     *
     * @param lines the lines
     * @return the description
     */
    static CpuInfo parse(List<String> lines) {
        String name = "unknown";
        String vendor = "unknown";
        int family = -1;
        int model = -1;
        int stepping = -1;
        double mhz = 0;
        int siblings = 0;
        int cores = 0;
        Set<String> flags = new TreeSet<>();
        for (String line : lines) {
            if (line.isBlank()) {
                break; // the first processor is enough: all are alike here
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "model name" -> name = value;
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = Integer.parseInt(value);
                case "model" -> model = Integer.parseInt(value);
                case "stepping" -> stepping = Integer.parseInt(value);
                case "flags" -> flags.addAll(Arrays.asList(value.split("\\s+")));
                case "cpu MHz" -> mhz = optional(value);
                case "siblings" -> siblings = (int) optional(value);
                case "cpu cores" -> cores = (int) optional(value);
                default -> { }
            }
        }
        int threadsPerCore = cores > 0 && siblings >= cores ? siblings / cores : 1;
        return new CpuInfo(name, vendor, family, model, stepping, Set.copyOf(flags), mhz,
                threadsPerCore);
    }

    /**
     * A number only reports use: one that does not parse is taken as not given, so that it never
     * costs the fields the engine's verdicts are keyed by.
     */
    private static double optional(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The vector extensions present, in {@link #VECTOR_FLAGS} order.
     *
     * @return e.g. {@code avx2 fma avx512f ...}
     */
    public String vectorFlags() {
        return String.join(" ", VECTOR_FLAGS.stream().filter(flags::contains).toList());
    }

    /**
     * One line: name, vendor, family/model/stepping.
     *
     * @return the line
     */
    public String describe() {
        return modelName + " (" + vendor + ", family " + family + ", model " + model
                + ", stepping " + stepping + ")";
    }
}
