package io.fadconv.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Properties set for a test come back as they were: unset ones cleared, set ones restored. */
class SystemPropertiesTest {

    private static final String UNSET = "fadconv.test.unset";
    private static final String SET = "fadconv.test.set";

    @Test
    void closingPutsEveryPropertyBackAsItWasBeforeItsFirstSet() {
        System.clearProperty(UNSET);
        System.setProperty(SET, "original");
        try {
            try (SystemProperties props = new SystemProperties().set(UNSET, "a").set(SET, "b")) {
                assertThat(System.getProperty(UNSET)).isEqualTo("a");
                props.set(SET, "c");
                assertThat(System.getProperty(SET)).isEqualTo("c");
            }
            assertThat(System.getProperty(UNSET)).isNull();
            assertThat(System.getProperty(SET)).isEqualTo("original");
        } finally {
            System.clearProperty(SET);
        }
    }
}
