package io.fadconv.cli;

import io.fadconv.Djl;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fadconv} command. The only place in the project that prints for the user or exits:
 * every failure becomes one line on stderr and a non-zero exit code (1 for errors, 2 for usage);
 * {@code --debug} (or FADCONV_DEBUG=1) adds the stack trace.
 */
@Command(
        name = "fadconv",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Frequency-aware dynamic convolution (FADConv) and cropland "
                + "non-agriculturalization mapping.",
        subcommands = {
            QuickstartCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            ExperimentCommand.class,
            BenchCommand.class,
            CostCommand.class,
            DoctorCommand.class,
            InfoCommand.class,
            SynthCommand.class,
            PredictCommand.class,
            CnaCommand.class,
            VizCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", description = "Print stack traces of errors.",
            scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and returns the exit code.
     *
     * @param args the arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        Djl.forceOffline();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        HelpText.install(cli);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean trace = debug(parseResult) || "1".equals(System.getenv("FADCONV_DEBUG"));
            commandLine.getErr().println("fadconv: error: " + Errors.message(ex));
            if (trace) {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return 1;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("fadconv: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            c.getErr().flush();
            return 2;
        });
        return cli.execute(args);
    }

    /**
     * Whether {@code --debug} was given, before the command name or after it (an inherited
     * option is matched by the command it follows).
     *
     * @param parsed the parse result of the whole command line
     * @return true to print stack traces
     */
    static boolean debug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Entry point.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/fadconv-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "fadconv " + p.getProperty("version", "unknown"),
                "DJL " + p.getProperty("djl", "?") + ", PyTorch " + p.getProperty("pytorch", "?")
                        + " (CPU), Java " + System.getProperty("java.version")
            };
        }
    }
}
