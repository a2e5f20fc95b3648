package io.fadconv.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CSV fields against hand-written RFC 4180 text. */
class CsvTest {

    @Test
    void onlyFieldsThatNeedItAreQuotedAndRowsStayOneLine() {
        assertThat(Csv.field("scenes/a_t1.tif")).isEqualTo("scenes/a_t1.tif");
        assertThat(Csv.field("")).isEqualTo("");
        assertThat(Csv.field("north, east")).isEqualTo("\"north, east\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines\r\nand\rmore")).isEqualTo("\"two lines and more\"");
    }
}
