package io.fadconv.util;

/** Turns an exception into the one line a user reads (the CLI's errors, batch summaries). */
public final class ErrorMessages {

    private ErrorMessages() {}

    /**
     * The most useful message of an exception chain: the first non-blank message, skipping
     * wrappers that only repeat their cause; missing files are said to be missing.
     *
     * @param t the exception
     * @return one line
     */
    public static String oneLine(Throwable t) {
        Throwable cur = t;
        while (cur != null) {
            String m = cur.getMessage();
            boolean wrapper = cur.getCause() != null && m != null
                    && m.equals(cur.getCause().toString());
            if (m != null && !m.isBlank() && !wrapper) {
                String line = m.strip().replace('\n', ' ');
                if (cur instanceof java.io.FileNotFoundException
                        && line.endsWith(" (Is a directory)")) {
                    return line.substring(0, line.length() - " (Is a directory)".length())
                            + ": is a folder, where a file is expected";
                }
                return cur instanceof java.io.FileNotFoundException
                        || cur instanceof java.nio.file.NoSuchFileException
                        ? "file not found: " + line : line;
            }
            cur = cur.getCause();
        }
        return t.getClass().getSimpleName() + " (no message; rerun with --debug)";
    }
}
