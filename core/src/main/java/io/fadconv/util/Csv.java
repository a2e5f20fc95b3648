package io.fadconv.util;

/** Fields of the CSV files the project writes (summaries read by spreadsheets and scripts). */
public final class Csv {

    private Csv() {}

    /**
     * A value as one field of a one-line row: quoted as in RFC 4180 when it holds a comma, a
     * quote or a line break, and line breaks turned into spaces so that a row stays one line
     * (readers that split lines first, {@code workflow.PairList} among them, keep working).
     *
     * @param value the value
     * @return the field
     */
    public static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0
                && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"").replace("\r\n", " ").replace('\n', ' ')
                .replace('\r', ' ') + '"';
    }
}
