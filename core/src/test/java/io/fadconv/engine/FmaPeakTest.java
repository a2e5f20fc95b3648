package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FmaPeakTest {

    /** A /proc/cpuinfo text of one processor, as Linux writes it. */
    private static CpuInfo cpu(String vendor, int family, int model, String name, String mhz,
            int siblings, int cores, String flags) {
        List<String> lines = new ArrayList<>(List.of("processor\t: 0", "vendor_id\t: " + vendor,
                "cpu family\t: " + family, "model\t\t: " + model, "model name\t: " + name,
                "stepping\t: 1"));
        if (mhz != null) {
            lines.add("cpu MHz\t\t: " + mhz);
        }
        if (cores > 0) {
            lines.add("siblings\t: " + siblings);
            lines.add("cpu cores\t: " + cores);
        }
        lines.add("flags\t\t: fpu " + flags);
        lines.add("");
        return CpuInfo.parse(lines);
    }

    @Test
    void zen4OfTheseMachinesAsComputedByHandInBenchmarks() {
        // BENCHMARKS.md: 2 pipes x 8 float32 lanes x 2 flops = 32 per cycle, x 2 cores x 2.596 GHz
        CpuInfo zen4 = cpu("AuthenticAMD", 25, 17, "AMD EPYC", "2596.096", 2, 2,
                "avx2 fma avx512f avx512bw");
        FmaPeak p = FmaPeak.of(zen4, 2).orElseThrow();
        assertThat(p.flopsPerCycle()).isEqualTo(32);
        assertThat(p.gflops()).isCloseTo(2 * 2.596096 * 32, within(1e-9));
        assertThat(p.describe()).startsWith("166 GFLOP/s = 2 cores x 2.596 GHz (cpu MHz in "
                + "/proc/cpuinfo) x 32 flops per cycle (2 FMA pipes x 8 float32 lanes x 2; AMD Zen 4");
    }

    @Test
    void zen5AsTheIssueComputedIt() {
        // the issue: "At the nominal 2.1 GHz, the FMA peak is 2 cores x 2 FMA pipes x 16 lanes
        // x 2 = 269 GFLOP/s"
        CpuInfo zen5 = cpu("AuthenticAMD", 26, 2, "AMD EPYC 9R45", "2100.000", 2, 2,
                "avx2 fma avx512f");
        assertThat(FmaPeak.of(zen5, 2).orElseThrow().gflops()).isCloseTo(268.8, within(1e-9));
    }

    @Test
    void anEngineOnFewerThreadsThanCoresHasThePeakOfThoseCores() {
        // 4 cores x 2.0 GHz x 64 = 512 GFLOP/s; one thread keeps one core busy: 128
        CpuInfo zen5 = cpu("AuthenticAMD", 26, 2, "AMD EPYC", "2000.000", 4, 4,
                "avx2 fma avx512f");
        FmaPeak all = FmaPeak.of(zen5, 4).orElseThrow();
        assertThat(all.gflops()).isCloseTo(512, within(1e-9));
        assertThat(all.onThreads(1).gflops()).isCloseTo(128, within(1e-9));
        assertThat(all.onThreads(3).cores()).isEqualTo(3);
        assertThat(all.onThreads(8)).as("more threads than cores share them").isEqualTo(all);
        assertThat(all.onThreads(1).describe()).startsWith("128 GFLOP/s = 1 core x 2.000 GHz");
    }

    @Test
    void theClockInTheNameIsTheNominalOneAndHyperThreadsShareTheirCoresPipes() {
        // bare metal: cpu MHz is the current clock, the name gives the base clock; 4 logical
        // CPUs with 2 threads per core are 2 cores
        CpuInfo xeon = cpu("GenuineIntel", 6, 106, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
                "3499.812", 4, 2, "avx2 fma avx512f");
        FmaPeak p = FmaPeak.of(xeon, 4).orElseThrow();
        assertThat(p.cores()).isEqualTo(2);
        assertThat(p.clockSource()).isEqualTo("the processor's name");
        assertThat(p.gflops()).isCloseTo(2 * 2.90 * 64, within(1e-9));
        CpuInfo haswell = cpu("GenuineIntel", 6, 63, "Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz",
                null, 0, 0, "avx2 fma");
        assertThat(FmaPeak.of(haswell, 2).orElseThrow().gflops()).isCloseTo(2 * 2.5 * 32,
                within(1e-9));
    }

    @Test
    void unknownWithoutAClockWithoutFmaOrFromAnUnknownVendor() {
        assertThat(FmaPeak.of(cpu("AuthenticAMD", 25, 17, "AMD EPYC", null, 0, 0, "avx2 fma"), 2))
                .isEmpty();
        assertThat(FmaPeak.of(cpu("GenuineIntel", 6, 44, "Intel(R) Xeon(R) CPU X5650 @ 2.67GHz",
                null, 0, 0, "sse4_2"), 2)).isEmpty();
        assertThat(FmaPeak.of(cpu("CentaurHauls", 7, 59, "VIA @ 2.00GHz", null, 0, 0, "avx2 fma"),
                2)).isEmpty();
    }

    @Test
    void aClockThatDoesNotParseLeavesTheRestOfTheProcessorKnown() {
        CpuInfo odd = cpu("AuthenticAMD", 25, 17, "AMD EPYC", "unknown", 2, 2, "avx2 fma");
        assertThat(odd.family()).isEqualTo(25);
        assertThat(odd.vectorFlags()).isEqualTo("avx2 fma");
        assertThat(odd.mhz()).isZero();
        assertThat(FmaPeak.of(odd, 2)).isEmpty();
    }

    @Test
    void olderAmdCoresHaveNarrowerPipes() {
        assertThat(FmaPeak.pipesOf(cpu("AuthenticAMD", 23, 1, "AMD EPYC 7601", null, 0, 0,
                "avx2 fma")).orElseThrow().bits()).isEqualTo(128);
        assertThat(FmaPeak.pipesOf(cpu("AuthenticAMD", 23, 49, "AMD EPYC 7742", null, 0, 0,
                "avx2 fma")).orElseThrow().bits()).isEqualTo(256);
        assertThat(FmaPeak.pipesOf(cpu("AuthenticAMD", 25, 1, "AMD EPYC 7763", null, 0, 0,
                "avx2 fma")).orElseThrow().name()).isEqualTo("AMD Zen 3");
    }
}
