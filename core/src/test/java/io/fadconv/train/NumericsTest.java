package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a resumed run reports as differing from its checkpoint. */
class NumericsTest {

    @Test
    void anotherMklBranchIsReportedUnlessOneSideDidNotRecordIt() {
        Numerics avx512 = new Numerics(2, "channels-last-guarded", 7, Map.of());
        Numerics vendor = new Numerics(2, "channels-last-guarded", 0, Map.of());
        Numerics old = new Numerics(2, "channels-last-guarded", Numerics.UNKNOWN, Map.of());
        assertThat(vendor.differences(avx512)).singleElement().asString()
                .contains("MKL branch 0").contains("runs branch 7").contains("FADCONV_MKL=vendor");
        assertThat(old.differences(avx512)).isEmpty();
        assertThat(avx512.differences(avx512)).isEmpty();
        assertThat(new Numerics(1, "default", 7, Map.of()).differences(avx512))
                .hasSize(2).anyMatch(d -> d.contains("1 threads"))
                .anyMatch(d -> d.contains("engine configuration default"));
    }
}
