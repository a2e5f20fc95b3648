package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.testing.Blocks;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Bad configurations fail fast with the field and the allowed values in the message. */
class FadConvConfigTest {

    private static FadConv.Builder valid() {
        return FadConv.builder().setFilters(8).setKernelShape(new Shape(3, 3));
    }

    private static void rejects(UnaryOperator<FadConv.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsBadFields() {
        rejects(b -> b.setFilters(0), "FadConv: filters must be >= 1, got 0");
        rejects(b -> b.setKernelShape(null), "kernelShape must be a 2-D shape");
        rejects(b -> b.setKernelShape(new Shape(3)), "kernelShape must be a 2-D shape");
        rejects(b -> b.optStride(new Shape(0, 1)), "stride must be a 2-D shape (h, w) with values >= 1");
        rejects(b -> b.optPadding(new Shape(-1, 0)), "padding must be a 2-D shape (h, w) with values >= 0");
        rejects(b -> b.optExperts(0), "experts must be >= 1, got 0");
        rejects(b -> b.optGroups(3), "filters (8) must be divisible by groups (3)");
        rejects(b -> b.optLowFrequencies(20), "lowFrequencies must be in 1..16 (the pool size), got 20");
        rejects(b -> b.optLowFrequencies(0), "lowFrequencies must be in 1..16");
        rejects(b -> b.optPoolSize(8).optHighFrequencies(9), "highFrequencies must be in 0..8");
        rejects(b -> b.optPoolSize(0), "poolSize must be >= 1");
        rejects(b -> b.optTemperature(0f), "temperature must be a positive finite number");
        rejects(b -> b.optFusion(null), "fusion must be one of net, sum, abs, fca");
    }

    @Test
    void rejectsInputChannelsNotDivisibleByGroups() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            FadConv conv = valid().optGroups(4).build();
            assertThatThrownBy(() -> Blocks.init(conv, m, new Shape(1, 6, 8, 8)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input channels (6) must be divisible by groups (4)");
        }
    }

    @Test
    void specStringsNameWhatIsValid() {
        assertThatThrownBy(() -> ConvSpec.parse("fadconv:q=3"))
                .hasMessageContaining("unknown key 'q' for fadconv; valid keys: k, p, n, h, fusion, att, t");
        assertThatThrownBy(() -> ConvSpec.parse("fadcon"))
                .hasMessageContaining("unknown convolution type 'fadcon'; valid types: static, fadconv");
        assertThatThrownBy(() -> ConvSpec.parse("fadconv:fusion=max"))
                .hasMessageContaining("allowed: frequency fusion: net, sum, abs, fca");
        assertThatThrownBy(() -> ConvSpec.parse("fadconv:k=0"))
                .hasMessageContaining("invalid fadconv option k=0");
        assertThatThrownBy(() -> ConvSpec.parse("fadconv:k")).hasMessageContaining("not key=value");
    }
}
