package io.fadconv.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code fadconv} command line in-process, with what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

    /**
     * Runs the command line.
     *
     * @param args the arguments
     * @return the result
     */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
