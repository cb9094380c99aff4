package dev.picrust.permission;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One command the shell would run, with its arguments. A command run through a wrapper
 * ({@code timeout 5 rm x}) gives two invocations: the wrapper with everything after it, and
 * {@code rm x}. {@code depth} is 0 for commands of the command line itself and grows inside
 * substitutions, function bodies and scripts given to {@code bash -c} or {@code eval}.
 * {@code withEnvironment}: assignments in front of it ({@code GIT_SSH_COMMAND=... git fetch}) set
 * its environment, which can change what the program does.
 */
record ShellInvocation(List<ShellWord> words, int depth, boolean withEnvironment) {
    ShellInvocation {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("an invocation has at least a command word");
        }
    }

    /** The command word as written, quotes removed ({@code /bin/rm}); empty if not a literal. */
    Optional<String> writtenName() {
        return words.getFirst().value();
    }

    /** The command word reduced to the program's name ({@code /bin/rm} gives {@code rm}). */
    Optional<String> name() {
        return writtenName().map(ShellInvocation::baseName);
    }

    static String baseName(String command) {
        int slash = command.lastIndexOf('/');
        return slash >= 0 && slash < command.length() - 1 ? command.substring(slash + 1) : command;
    }

    /** The words joined by spaces, each its value if known, else as written. */
    String text() {
        return words.stream().map(ShellWord::text).collect(Collectors.joining(" "));
    }
}
