package io.fadconv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.engine.FmaPeak;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MatmulBenchmarkTest {

    @Test
    void theLimitIsGivenAsAShareOfTheNominalPeakAndThePeakIsExplained() {
        // 2 x 2.5 GHz x 32 flops = 160 GFLOP/s; 184 of it is 115 %
        FmaPeak zen4 = new FmaPeak(2, 2.5, "cpu MHz in /proc/cpuinfo", 2, 256, "AMD Zen 4");
        assertThat(MatmulBenchmark.limits(2048, 184, Optional.of(zen4))).isEqualTo(
                "matrix-product limit: 184 GFLOP/s (2048 x 2048 float32 matmul), 115 % of the "
                        + "nominal FMA peak\nnominal FMA peak: 160 GFLOP/s = 2 cores x 2.500 GHz "
                        + "(cpu MHz in /proc/cpuinfo) x 32 flops per cycle (2 FMA pipes x 8 "
                        + "float32 lanes x 2; AMD Zen 4)\n");
        assertThat(MatmulBenchmark.limits(512, 90, Optional.empty())).isEqualTo(
                "matrix-product limit: 90 GFLOP/s (512 x 512 float32 matmul)\nnominal FMA peak: "
                        + "unknown for this processor (its clock or its FMA pipes are not known)\n");
    }
}
