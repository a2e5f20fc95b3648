package io.fadconv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBenchmarkTableTest {

    @Test
    void inferenceRatesAreSharesOfTheLimitAndOfTheNominalPeak() {
        // 5 GMAdds per tile, batch 8, 500 ms: 2 x 5 x 8 / 0.5 = 160 GFLOP/s, which is 80 % of a
        // 200 GFLOP/s matrix product and 96 % of a 166 GFLOP/s peak
        ModelBenchmark.Row row = new ModelBenchmark.Row("net", "fadconv", 1500, 500, 490, 1.2,
                1.1, 16, 5);
        assertThat(ModelBenchmark.table(List.of(row), 8, 200, 166))
                .contains("| inference GFLOP/s (of limit, of nominal peak) |")
                .contains("| net | fadconv | 5.00 | 1500 | 1.20 | 500 | 1.10 | 16.0 | 160 (80%, 96%) "
                        + "| 490 | 0.980 |");
        assertThat(ModelBenchmark.table(List.of(row), 8, 200, Double.NaN))
                .as("a peak not known").contains("| 160 (80%, -) |");
    }
}
