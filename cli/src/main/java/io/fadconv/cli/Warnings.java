package io.fadconv.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Prints what a reader accepted with a warning, once per warning, on stderr. */
final class Warnings {

    private Warnings() {}

    static void print(PrintWriter err, Path file, List<String> warnings) {
        for (String w : warnings) {
            err.println("fadconv: warning: " + file + ": " + w);
        }
        err.flush();
    }
}
