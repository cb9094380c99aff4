package dev.picrust.cli.args;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A command's help, from its declarations: the usage line, the description, one entry per parameter
 * (positional parameters first, then the options in declaration order, then help and version) and the
 * subcommands, in lines shorter than {@value #WIDTH} columns.
 */
final class HelpText {
    static final int WIDTH = 80;
    /**
     * The widest option column: longer names push their description one space on, or to a line of
     * their own, rather than widening the column for every option.
     */
    private static final int OPTION_COLUMN = 20;

    private HelpText() {}

    static String of(Command command, List<String> path) {
        StringBuilder help = new StringBuilder();
        String usage = "Usage: " + String.join(" ", path) + " ";
        wrapWords(help, usage, synopsis(command), usage.length());
        for (String paragraph : command.description()) {
            for (String line : wrap(paragraph, WIDTH - 1)) {
                help.append(line).append('\n');
            }
        }
        List<String[]> entries = new ArrayList<>();  // {short part, long part, description}
        for (Parameter parameter : command.parameters()) {
            entries.add(switch (parameter) {
                case Parameter.Positionals<?> p -> new String[] {"", positionalLabel(p), p.description()};
                case Parameter.Flag f -> entry(f.names(), "", f.description());
                case Parameter.Single<?> s -> entry(s.names(), "=" + s.label(), s.defaultValue()
                        .map(d -> s.description().replace(Parameter.DEFAULT_VALUE, d)).orElse(s.description()));
                case Parameter.Repeated<?> r -> entry(r.names(), "=" + r.label(), r.description());
            });
        }
        entries.add(new String[] {"-h, ", "--help", "Show this help message and exit."});
        entries.add(new String[] {"-V, ", "--version", "Print version information and exit."});
        int longest = entries.stream().mapToInt(e -> e[1].length()).filter(n -> n <= OPTION_COLUMN).max()
                .orElse(OPTION_COLUMN);
        int column = 6 + longest + 3;
        for (String[] entry : entries) {
            String head = "  " + (entry[0].isEmpty() ? "    " : entry[0]) + entry[1];
            if (entry[2].isEmpty()) {
                help.append(head).append('\n');
            } else if (head.length() < column) {
                describe(help, head + " ".repeat(column - head.length()), entry[2], column);
            } else {
                help.append(head).append('\n');
                describe(help, " ".repeat(column), entry[2], column);
            }
        }
        if (!command.subcommands().isEmpty()) {
            help.append("Commands:\n");
            List<String[]> commands = new ArrayList<>();
            for (Subcommand s : command.subcommands()) {
                commands.add(new String[] {s.name(), s.create().get().description().stream().findFirst().orElse("")});
            }
            commands.add(new String[] {"help", "Display help information about the specified command."});
            int width = commands.stream().mapToInt(c -> c[0].length()).max().orElse(0) + 4;
            for (String[] c : commands) {
                String head = "  " + c[0];
                describe(help, head + " ".repeat(width - head.length()), c[1], width);
            }
        }
        return help.toString();
    }

    /** {@code -c, --continue} or {@code     --provider=<provider>}, split in the short and the long part. */
    private static String[] entry(List<String> names, String value, String description) {
        String shortName = names.stream().filter(n -> !n.startsWith("--")).findFirst().map(n -> n + ", ").orElse("");
        List<String> longNames = names.stream().filter(n -> n.startsWith("--")).toList();
        if (longNames.isEmpty()) {
            return new String[] {shortName.substring(0, 2) + value, "", description};
        }
        return new String[] {shortName, String.join(", ", longNames) + value, description};
    }

    private static String positionalLabel(Parameter.Positionals<?> p) {
        String label = p.max() > 1 ? p.label() + "..." : p.label();
        return p.min() == 0 ? "[" + label + "]" : label;
    }

    /**
     * The usage line's words, each group sorted by name: the short flags as one
     * cluster, the other flags, options with a value, repeatable options, positionals, {@code [COMMAND]}.
     */
    private static List<String> synopsis(Command command) {
        StringBuilder cluster = new StringBuilder("h");
        List<Parameter.Flag> longFlags = new ArrayList<>();
        List<Parameter.Single<?>> singles = new ArrayList<>();
        List<Parameter.Repeated<?>> repeated = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        for (Parameter parameter : command.parameters()) {
            switch (parameter) {
                case Parameter.Flag f -> f.names().stream().filter(n -> !n.startsWith("--")).findFirst()
                        .ifPresentOrElse(n -> cluster.append(n.charAt(1)), () -> longFlags.add(f));
                case Parameter.Single<?> s -> singles.add(s);
                case Parameter.Repeated<?> r -> repeated.add(r);
                case Parameter.Positionals<?> p -> positionals.add(positionalLabel(p));
            }
        }
        cluster.append('V');
        List<String> words = new ArrayList<>();
        words.add("[-" + cluster.chars().mapToObj(c -> String.valueOf((char) c))
                .sorted(Comparator.comparing(c -> c.toLowerCase(Locale.ROOT))).reduce("", String::concat) + "]");
        longFlags.stream().map(f -> f.names().getFirst()).sorted(HelpText::byName).forEach(n -> words.add("[" + n + "]"));
        singles.stream().map(s -> s.names().getFirst() + "=" + s.label()).sorted(HelpText::byName)
                .forEach(n -> words.add("[" + n + "]"));
        repeated.stream().map(r -> r.names().getFirst() + "=" + r.label()).sorted(HelpText::byName)
                .forEach(n -> words.add("[" + n + "]..."));
        words.addAll(positionals);
        if (!command.subcommands().isEmpty()) {
            words.add("[COMMAND]");
        }
        return words;
    }

    private static int byName(String a, String b) {
        return a.replaceFirst("^-+", "").toLowerCase(Locale.ROOT).compareTo(b.replaceFirst("^-+", "").toLowerCase(Locale.ROOT));
    }

    /** {@code first} then the words, wrapped, continuation lines indented by {@code indent}. */
    private static void wrapWords(StringBuilder out, String first, List<String> words, int indent) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : words) {
            if (!empty && line.length() + 1 + word.length() >= WIDTH) {
                out.append(line).append('\n');
                line = new StringBuilder(" ".repeat(indent));
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        out.append(line).append('\n');
    }

    /** {@code head} then {@code text} wrapped from column {@code column}, later lines two further in. */
    private static void describe(StringBuilder out, String head, String text, int column) {
        List<String> lines = wrap(text, WIDTH - 1 - column);
        out.append(head).append(lines.getFirst()).append('\n');
        if (lines.size() > 1) {
            String rest = String.join(" ", lines.subList(1, lines.size()));
            for (String line : wrap(rest, WIDTH - 1 - column - 2)) {
                out.append(" ".repeat(column + 2)).append(line).append('\n');
            }
        }
    }

    /** {@code text} in lines of at most {@code width} characters, broken at spaces (a longer word stands alone). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
