package dev.picrust.permission;

import dev.picrust.event.PermissionBehavior;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The specifier of a Bash rule, matched word by word against one {@link ShellInvocation}:
 * {@code git status} (exact), {@code git:*} (these words, then anything), {@code npm run *}
 * (a glob over the words joined by spaces). The specifier is read with the same shell grammar as
 * commands, so {@code Bash(git commit -m "x")} matches {@code git commit -m 'x'}.
 *
 * <p>Deny and ask rules compare program names ({@code /bin/rm} and {@code \rm} are {@code rm});
 * allow rules compare the command word as written, so {@code ./rm} or {@code /tmp/ls} is not
 * allowed by {@code Bash(rm:*)} or {@code Bash(ls:*)}, and a command with assignments in front of
 * it ({@code GIT_SSH_COMMAND=... git fetch}) is not allowed by any narrow rule.
 */
record CommandSpec(String text, Kind kind, Optional<List<String>> words) {
    enum Kind { EXACT, PREFIX, GLOB }

    static CommandSpec parse(String spec) {
        String s = collapse(spec);
        if (s.endsWith(":*")) {
            String prefix = collapse(s.substring(0, s.length() - 2));
            return new CommandSpec(prefix, Kind.PREFIX, literalWords(prefix));
        }
        if (s.contains("*")) {
            return new CommandSpec(s, Kind.GLOB, Optional.empty());
        }
        return new CommandSpec(s, Kind.EXACT, literalWords(s));
    }

    /** The words of a specifier read as one simple command, if it is one and every word is literal. */
    private static Optional<List<String>> literalWords(String spec) {
        return ShellParser.simpleCommandWords(spec)
                .filter(words -> words.stream().allMatch(ShellWord::isLiteral))
                .map(words -> words.stream().map(w -> w.value().orElseThrow()).toList());
    }

    boolean matches(ShellInvocation invocation, PermissionBehavior behavior) {
        boolean allow = behavior == PermissionBehavior.ALLOW;
        if (allow && invocation.withEnvironment()) {
            return false;
        }
        return switch (kind) {
            case EXACT -> words.filter(w -> w.size() == invocation.words().size()
                    && prefixMatches(w, invocation, allow)).isPresent();
            case PREFIX -> words.filter(w -> w.size() <= invocation.words().size()
                    && prefixMatches(w, invocation, allow)).isPresent();
            case GLOB -> {
                String command = commandText(invocation, allow);
                String spec = allow ? text : nameReduced(text);
                if (spec.endsWith(" *") && command.equals(spec.substring(0, spec.length() - 2))) {
                    yield true;
                }
                yield glob(spec).matcher(command).matches();
            }
        };
    }

    private static boolean prefixMatches(List<String> spec, ShellInvocation invocation, boolean allow) {
        List<ShellWord> command = invocation.words();
        Optional<String> name = allow ? invocation.writtenName() : invocation.name();
        String specName = allow ? spec.getFirst() : ShellInvocation.baseName(spec.getFirst());
        if (name.filter(specName::equals).isEmpty()) {
            return false;
        }
        for (int i = 1; i < spec.size(); i++) {
            if (command.get(i).value().filter(spec.get(i)::equals).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static String commandText(ShellInvocation invocation, boolean allow) {
        String name = (allow ? invocation.writtenName() : invocation.name()).orElse(invocation.words().getFirst().source());
        StringBuilder s = new StringBuilder(name);
        invocation.words().stream().skip(1).forEach(w -> s.append(' ').append(w.text()));
        return s.toString();
    }

    private static String nameReduced(String spec) {
        int space = spec.indexOf(' ');
        String first = space < 0 ? spec : spec.substring(0, space);
        return ShellInvocation.baseName(first) + (space < 0 ? "" : spec.substring(space));
    }

    /** {@code *} is any text; everything else is literal. */
    static Pattern glob(String spec) {
        StringBuilder re = new StringBuilder();
        for (String piece : spec.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(piece));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    static String collapse(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
