package io.fadconv.cli;

/** Turns an exception into the one line a user reads. */
final class Errors {

    private Errors() {}

    /**
     * The most useful message of an exception chain: the first non-blank message, skipping
     * wrappers that only repeat their cause.
     *
     * @param t the exception
     * @return one line
     */
    static String message(Throwable t) {
        Throwable cur = t;
        while (cur != null) {
            String m = cur.getMessage();
            boolean wrapper = cur.getCause() != null && m != null
                    && m.equals(cur.getCause().toString());
            if (m != null && !m.isBlank() && !wrapper) {
                String line = m.strip().replace('\n', ' ');
                return cur instanceof java.io.FileNotFoundException
                        || cur instanceof java.nio.file.NoSuchFileException
                        ? "file not found: " + line : line;
            }
            cur = cur.getCause();
        }
        return t.getClass().getSimpleName() + " (no message; rerun with --debug)";
    }
}
