package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fadconv.train.TrainConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training options are the config's fields: one option per component, named as it. */
class TrainOptionsTest {

    @Test
    void everyConfigFieldHasItsOptionAndEveryOptionIsAConfigField() {
        List<String> options = Arrays.stream(TrainOptions.Fields.class.getDeclaredFields())
                .filter(f -> !f.isSynthetic() && !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName).toList();
        assertThat(TrainConfig.FIELDS).containsAll(options);
        // conv is each command's own option (train: --conv SPEC; experiment: one per run).
        assertThat(options).containsExactlyInAnyOrderElementsOf(TrainConfig.FIELDS.stream()
                .filter(f -> !f.equals("conv")).toList());
    }
}
