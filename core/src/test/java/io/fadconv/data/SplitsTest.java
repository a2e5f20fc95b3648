package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitsTest {

    @TempDir Path tmp;

    static List<Sample> samples(int n, String period) {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = String.format("tile_%02d", i);
            Scene sc = new Scene(period + "/" + name, name, Path.of(name + ".tif"),
                    Path.of(name + "_label.tif"));
            s.add(new Sample(sc.name(), sc.group(), sc, Window.full(8, 8)));
        }
        return s;
    }

    @Test
    void splitsAreDisjointCompleteSizedAndReproducible() {
        List<Sample> all = samples(10, "a");
        Splits s = Splits.random(all, 42, Splits.TRAIN_VAL_TEST_60_20_20);
        assertThat(s.parts().get("train")).hasSize(6);
        assertThat(s.parts().get("val")).hasSize(2);
        assertThat(s.parts().get("test")).hasSize(2);
        Set<String> seen = new HashSet<>();
        s.parts().values().forEach(seen::addAll);
        assertThat(seen).hasSize(10);
        assertThat(Splits.random(all, 42, Splits.TRAIN_VAL_TEST_60_20_20)).isEqualTo(s);
        // the input order does not matter, the seed does
        List<Sample> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        assertThat(Splits.random(reversed, 42, Splits.TRAIN_VAL_TEST_60_20_20)).isEqualTo(s);
        assertThat(Splits.random(all, 43, Splits.TRAIN_VAL_TEST_60_20_20)).isNotEqualTo(s);
        Splits gid = Splits.random(samples(64, "a"), 0, Splits.TRAIN_VAL_80_20);
        assertThat(gid.parts().get("train")).hasSize(51);
        assertThat(gid.parts().get("val")).hasSize(13);
    }

    @Test
    void oneGroupInTwoPeriodsStaysInOnePart() {
        List<Sample> both = new ArrayList<>(samples(10, "t1"));
        both.addAll(samples(10, "t2"));
        Splits s = Splits.random(both, 1, Splits.TRAIN_VAL_80_20);
        List<Sample> train = s.select(both, "train");
        List<Sample> val = s.select(both, "val");
        assertThat(train).hasSize(16);
        assertThat(val).hasSize(4);
        Set<String> trainGroups = new HashSet<>();
        train.forEach(x -> trainGroups.add(x.group()));
        assertThat(val).noneMatch(x -> trainGroups.contains(x.group()));
    }

    @Test
    void jsonRoundTripAndStaleSplitsAreDetected() throws IOException {
        List<Sample> all = samples(10, "a");
        Splits s = Splits.random(all, 7, Splits.TRAIN_VAL_80_20);
        Path f = tmp.resolve("split.json");
        s.save(f);
        assertThat(Files.readString(f)).contains("\"seed\" : 7").contains("\"train\" : 8");
        assertThat(Splits.load(f)).isEqualTo(s);
        assertThat(s.select(all, "val")).extracting(Sample::group)
                .containsExactlyElementsOf(s.parts().get("val"));
        assertThatThrownBy(() -> s.select(all.subList(0, 5), "train"))
                .hasMessageContaining("which the dataset does not have; the dataset changed");
        assertThatThrownBy(() -> s.select(all, "test"))
                .hasMessage("no split part 'test'; parts: [train, val]");
        Files.writeString(f, "{\"seed\": 1}");
        assertThatThrownBy(() -> Splits.load(f))
                .hasMessage(f + ": not a split file (missing field 'fractions')");
    }
}
