package io.fadconv.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fadconv bench jmh}: the JMH micro-benchmarks (bench module). */
@Command(name = "jmh", description = "Runs the JMH benchmarks (e.g. 'bench jmh LayerJmh'); "
        + "every argument goes to JMH (-h for its options).")
final class BenchJmhCommand implements Callable<Integer> {
    @picocli.CommandLine.Option(names = "--help", usageHelp = true,
            description = "Show this help message and exit (-h shows JMH's options).")
    boolean help;

    @picocli.CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.runner.options.CommandLineOptions opts =
                new org.openjdk.jmh.runner.options.CommandLineOptions(
                        args.toArray(new String[0]));
        org.openjdk.jmh.runner.Runner runner = new org.openjdk.jmh.runner.Runner(opts);
        // What org.openjdk.jmh.Main does, without its System.exit.
        if (opts.shouldHelp()) {
            opts.showHelp();
        } else if (opts.shouldList()) {
            runner.list();
        } else if (opts.shouldListWithParams()) {
            runner.listWithParams(opts);
        } else if (opts.shouldListProfilers()) {
            opts.listProfilers();
        } else {
            runner.run();
        }
        return 0;
    }
}
