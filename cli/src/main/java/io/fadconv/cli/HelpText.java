package io.fadconv.cli;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.IllegalFormatException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help text that wraps only at spaces. picocli wraps with the JDK's line break rules, which
 * break after a dot or a hyphen inside a word ({@code metrics.} / {@code json}, {@code
 * resnet18x0.} / {@code 25-unet}); file names and model names must stay whole. Dots and hyphens
 * inside words are replaced by letters the rules do not break at while the text is wrapped, and
 * put back in every help section.
 */
final class HelpText {

    /** Stands for a dot inside a word while wrapping (a letter: no break around it). */
    static final char DOT = '\u01C0';
    /** Stands for a hyphen inside a word while wrapping. */
    static final char HYPHEN = '\u01C1';

    private HelpText() {}

    /**
     * Installs the help factory and the section renderers on a command and its subcommands.
     *
     * @param cli the root command line
     */
    static void install(CommandLine cli) {
        cli.setHelpFactory(WholeWords::new);
        for (CommandLine c : tree(cli)) {
            Map<String, CommandLine.IHelpSectionRenderer> sections =
                    new LinkedHashMap<>(c.getHelpSectionMap());
            sections.replaceAll((key, renderer) -> help -> restore(renderer.render(help)));
            c.setHelpSectionMap(sections);
        }
    }

    /**
     * A command and all its subcommands, each once (aliases name the same command twice).
     *
     * @param root the root
     * @return the commands
     */
    static Set<CommandLine> tree(CommandLine root) {
        Set<CommandLine> all = Collections.newSetFromMap(new IdentityHashMap<>());
        add(root, all);
        return all;
    }

    private static void add(CommandLine c, Set<CommandLine> all) {
        if (all.add(c)) {
            c.getSubcommands().values().forEach(s -> add(s, all));
        }
    }

    /**
     * Dots and hyphens between two non-blank characters replaced by {@link #DOT} and
     * {@link #HYPHEN}.
     *
     * @param s a text
     * @return the text to wrap
     */
    static String protect(String s) {
        StringBuilder sb = new StringBuilder(s);
        for (int i = 1; i < sb.length() - 1; i++) {
            char c = sb.charAt(i);
            if ((c == '.' || c == '-') && !Character.isWhitespace(sb.charAt(i - 1))
                    && !Character.isWhitespace(sb.charAt(i + 1))) {
                sb.setCharAt(i, c == '.' ? DOT : HYPHEN);
            }
        }
        return sb.toString();
    }

    /**
     * Undoes {@link #protect}.
     *
     * @param s wrapped text
     * @return the text as written
     */
    static String restore(String s) {
        return s.replace(DOT, '.').replace(HYPHEN, '-');
    }

    private static Text protect(Text t, ColorScheme scheme) {
        String plain = t.plainString();
        String p = protect(plain);
        // Styled text (markup) is left as it is; the descriptions here carry none.
        return p.equals(plain) || !t.toString().equals(plain) ? t : scheme.text(p);
    }

    private static Text[][] protectLastColumn(Text[][] rows, ColorScheme scheme) {
        for (Text[] row : rows) {
            if (row.length > 0) {
                row[row.length - 1] = protect(row[row.length - 1], scheme);
            }
        }
        return rows;
    }

    /** picocli's formatting of description lines ({@code %%} is a percent sign). */
    private static String format(String s) {
        try {
            return String.format(s);
        } catch (IllegalFormatException e) {
            return s;
        }
    }

    /** The help of one command, with descriptions protected while they are wrapped. */
    static final class WholeWords extends Help {

        WholeWords(CommandSpec spec, ColorScheme scheme) {
            super(spec, scheme);
        }

        private int width() {
            return commandSpec().usageMessage().width();
        }

        private boolean cjk() {
            return commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters();
        }

        @Override
        public IOptionRenderer createDefaultOptionRenderer() {
            IOptionRenderer r = super.createDefaultOptionRenderer();
            return (option, labels, scheme) -> protectLastColumn(r.render(option, labels, scheme),
                    scheme);
        }

        @Override
        public IParameterRenderer createDefaultParameterRenderer() {
            IParameterRenderer r = super.createDefaultParameterRenderer();
            return (param, labels, scheme) -> protectLastColumn(r.render(param, labels, scheme),
                    scheme);
        }

        @Override
        public String description(Object... params) {
            String[] lines = commandSpec().usageMessage().description().clone();
            for (int i = 0; i < lines.length; i++) {
                lines[i] = protect(lines[i]);
            }
            return join(colorScheme().ansi(), width(), cjk(), lines, new StringBuilder(), params)
                    .toString();
        }

        @Override
        public String commandList(Map<String, Help> subcommands) {
            if (subcommands.isEmpty()) {
                return "";
            }
            int names = Math.min(width() / 2, subcommands.keySet().stream()
                    .mapToInt(String::length).max().orElse(0));
            TextTable table = TextTable.forColumns(colorScheme(),
                    new Column(names + 2, 2, Column.Overflow.SPAN),
                    new Column(width() - (names + 2), 2, Column.Overflow.WRAP));
            table.setAdjustLineBreaksForWideCJKCharacters(cjk());
            for (Help sub : subcommands.values()) {
                UsageMessageSpec u = sub.commandSpec().usageMessage();
                String first = u.header().length > 0 ? u.header()[0]
                        : u.description().length > 0 ? u.description()[0] : "";
                Text[] lines = colorScheme().text(protect(format(first))).splitLines();
                for (int i = 0; i < lines.length; i++) {
                    table.addRowValues(i == 0 ? sub.commandNamesText(", ")
                            : colorScheme().text(""), lines[i]);
                }
            }
            return table.toString();
        }
    }
}
