package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} of every command: exit code 0, nothing on stderr (picocli warns there about an
 * unescaped {@code %}), words with dots or hyphens never broken across lines, and every option
 * with a default value says it.
 */
class HelpTest {

    private static final Pattern INNER_PUNCTUATION = Pattern.compile("\\S+[.-]\\S+");

    /** Each command as the words that call it, e.g. [viz, attention]. */
    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(new CommandLine(new Main()), new ArrayList<>(), all);
        return all;
    }

    private static void walk(CommandLine c, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        c.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name) && !name.equals("help")) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                walk(sub, p, all);
            }
        });
    }

    static CommandLine find(List<String> path) {
        CommandLine c = new CommandLine(new Main());
        for (String name : path) {
            c = c.getSubcommands().get(name);
        }
        return c;
    }

    @Test
    void everyCommandsHelpPrintsNothingOnStderr() {
        List<List<String>> commands = commands();
        assertThat(commands).hasSizeGreaterThan(15);
        PrintStream stderr = System.err;
        for (List<String> path : commands) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            CliRun r;
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                r = CliRun.of(args.toArray(String[]::new));
            } finally {
                System.setErr(stderr);
            }
            assertThat(r.code()).as("%s", args).isZero();
            assertThat(r.err()).as("%s", args).isEmpty();
            assertThat(captured.toString(StandardCharsets.UTF_8)).as("stderr of %s", args)
                    .isEmpty();
            assertThat(r.out()).as("%s", args).startsWith("Usage: fadconv")
                    .doesNotContain(String.valueOf(HelpText.DOT))
                    .doesNotContain(String.valueOf(HelpText.HYPHEN));
        }
    }

    @Test
    void wordsWithDotsOrHyphensAreNotBrokenAcrossLines() {
        int words = 0;
        for (List<String> path : commands()) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            String help = CliRun.of(args.toArray(String[]::new)).out();
            CommandLine c = find(path);
            List<String> texts = new ArrayList<>(List.of(c.getCommandSpec().usageMessage()
                    .description()));
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!o.hidden()) {
                    texts.addAll(List.of(o.description()));
                }
            }
            for (String t : texts) {
                Matcher m = INNER_PUNCTUATION.matcher(t.replace("%%", "%"));
                while (m.find()) {
                    assertThat(help).as("%s --help keeps '%s' whole", path, m.group())
                            .contains(m.group());
                    words++;
                }
            }
        }
        assertThat(words).isGreaterThan(100);
    }

    @Test
    void everyOptionWithADefaultSaysIt() {
        for (List<String> path : commands()) {
            for (OptionSpec o : find(path).getCommandSpec().options()) {
                if (o.hidden() || o.defaultValue() == null || o.arity().max() == 0
                        || o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                String raw = String.join(" ", annotation(o));
                String shown = String.join(" ", o.description());
                String v = o.defaultValue();
                assertThat(raw).as("%s %s", path, o.longestName()).contains("${DEFAULT-VALUE}");
                assertThat(shown.contains("(" + v + ")") || shown.contains("(" + v + ";")
                        || shown.contains("(" + v + ",")
                        || shown.contains("default " + v) || shown.contains("default: " + v))
                        .as("%s %s says its default %s as '(%s)' or 'default %s': %s", path,
                                o.longestName(), v, v, v, shown)
                        .isTrue();
            }
        }
    }

    @Test
    void helpListsTheRegisteredDatasetKinds() {
        String train = CliRun.of("train", "--help").out().replaceAll("\\s+", " ");
        assertThat(train).contains("The dataset kind: " + String.join(", ",
                io.fadconv.data.DatasetKind.names()) + " (synthetic:");
        String cna = CliRun.of("cna", "--help").out().replaceAll("\\s+", " ");
        assertThat(cna).contains("(gid, hicna, synthetic, synthetic-hicna)");
    }

    private static String[] annotation(OptionSpec o) {
        Object where = o.userObject();
        if (where instanceof AnnotatedElement e
                && e.getAnnotation(CommandLine.Option.class) != null) {
            return e.getAnnotation(CommandLine.Option.class).description();
        }
        return o.description();
    }
}
