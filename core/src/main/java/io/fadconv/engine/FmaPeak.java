package io.fadconv.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nominal float32 FMA peak of the cores this process runs on: physical cores x nominal clock
 * x flops per cycle and core (FMA pipes x float32 lanes per pipe x 2). What the benchmarks' "of
 * peak" divides by, beside the matrix product the machine really reaches. {@code /proc/cpuinfo}
 * does not say how many FMA pipes a core has or how wide they are, so they are the
 * microarchitecture's, known by vendor and family ({@link #pipesOf}); the clock is the one in
 * the processor's name ({@code @ 2.90GHz}) or, failing that, {@code cpu MHz} (on a VM the host's
 * nominal clock, on bare metal the current one). Cores that boost above the nominal clock beat
 * this peak.
 *
 * @param cores physical cores (logical CPUs over threads per core)
 * @param ghz the nominal clock
 * @param clockSource where the clock was read
 * @param pipes FMA pipes per core
 * @param pipeBits the width of each pipe
 * @param microarchitecture what decided the pipes, for the reader
 */
public record FmaPeak(int cores, double ghz, String clockSource, int pipes, int pipeBits,
        String microarchitecture) {

    /** What reports say where the peak is not known. */
    public static final String UNKNOWN =
            "unknown for this processor (its clock or its FMA pipes are not known)";

    private static final Pattern NAMED_CLOCK = Pattern.compile("@\\s*([0-9]+(?:\\.[0-9]+)?)\\s*GHz");

    /** FMA pipes per core and their width, for one microarchitecture. */
    record Pipes(String name, int pipes, int bits) {}

    /**
     * This machine's peak, over the logical CPUs the JVM may use.
     *
     * @return the peak, or empty when the clock or the pipes are unknown
     */
    public static Optional<FmaPeak> here() {
        return of(CpuInfo.read(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * The peak of {@code logicalCpus} logical CPUs of a processor.
     *
     * @param cpu the processor
     * @param logicalCpus the logical CPUs in use
     * @return the peak, or empty when the clock or the pipes are unknown
     */
    public static Optional<FmaPeak> of(CpuInfo cpu, int logicalCpus) {
        Optional<Pipes> pipes = pipesOf(cpu);
        Matcher named = NAMED_CLOCK.matcher(cpu.modelName());
        double ghz;
        String source;
        if (named.find()) {
            ghz = Double.parseDouble(named.group(1));
            source = "the processor's name";
        } else if (cpu.mhz() > 0) {
            ghz = cpu.mhz() / 1000;
            source = "cpu MHz in /proc/cpuinfo";
        } else {
            return Optional.empty();
        }
        int cores = Math.max(1, logicalCpus / Math.max(1, cpu.threadsPerCore()));
        return pipes.map(p -> new FmaPeak(cores, ghz, source, p.pipes(), p.bits(), p.name()));
    }

    /**
     * The peak of the cores an engine with {@code threads} intra-op threads keeps busy: a
     * thread runs on one core at a time, so fewer threads than cores reach a smaller peak.
     *
     * @param threads the engine's intra-op threads
     * @return this peak over {@code min(cores, threads)} cores
     */
    public FmaPeak onThreads(int threads) {
        return new FmaPeak(Math.max(1, Math.min(cores, threads)), ghz, clockSource, pipes,
                pipeBits, microarchitecture);
    }

    /**
     * The FMA pipes of a processor's cores, by vendor, family and vector extensions.
     *
     * @param cpu the processor
     * @return the pipes, or empty for a processor without FMA or of an unknown vendor
     */
    static Optional<Pipes> pipesOf(CpuInfo cpu) {
        boolean avx512 = cpu.flags().contains("avx512f");
        if (!cpu.flags().contains("fma")) {
            return Optional.empty();
        }
        if (cpu.vendor().equals("AuthenticAMD")) {
            return Optional.of(switch (cpu.family()) {
                case 23 -> cpu.model() < 0x30 ? new Pipes("AMD Zen or Zen+", 2, 128)
                        : new Pipes("AMD Zen 2", 2, 256);
                case 25 -> avx512
                        ? new Pipes("AMD Zen 4, which issues an AVX-512 FMA as two 256-bit halves",
                                2, 256)
                        : new Pipes("AMD Zen 3", 2, 256);
                default -> cpu.family() >= 26 ? new Pipes("AMD Zen 5 or later", 2, 512)
                        : new Pipes("AMD before Zen", 2, 128);
            });
        }
        if (cpu.vendor().equals("GenuineIntel")) {
            return Optional.of(avx512
                    ? new Pipes("Intel with AVX-512, taken as a Xeon Scalable with two 512-bit FMA "
                            + "units (some Silver, Bronze and client parts have one)", 2, 512)
                    : new Pipes("Intel with AVX2", 2, 256));
        }
        return Optional.empty();
    }

    /**
     * Float32 flops per cycle and core.
     *
     * @return pipes x lanes x 2
     */
    public int flopsPerCycle() {
        return pipes * (pipeBits / 32) * 2;
    }

    /**
     * The peak.
     *
     * @return GFLOP/s
     */
    public double gflops() {
        return cores * ghz * flopsPerCycle();
    }

    /**
     * How the peak was computed, in one line.
     *
     * @return e.g. {@code 166 GFLOP/s = 2 cores x 2.596 GHz (cpu MHz in /proc/cpuinfo) x 32 flops
     *     per cycle (2 FMA pipes x 8 float32 lanes x 2; AMD Zen 4, ...)}
     */
    public String describe() {
        return String.format(Locale.ROOT, "%.0f GFLOP/s = %d %s x %.3f GHz (%s) x %d flops per "
                + "cycle (%d FMA pipes x %d float32 lanes x 2; %s)", gflops(), cores,
                cores == 1 ? "core" : "cores", ghz,
                clockSource, flopsPerCycle(), pipes, pipeBits / 32, microarchitecture);
    }
}
