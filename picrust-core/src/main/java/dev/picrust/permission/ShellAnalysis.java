package dev.picrust.permission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a bash command line can do, as far as {@link ShellParser} can prove: every command it may
 * run at any depth, every file an output redirection may write, and the reasons it cannot prove
 * more ({@code doubts}). An empty {@code doubts} list means the analyser understood everything:
 * no command runs that is not in {@code commands} and no file is written by redirection that is
 * not in {@code writes}. Anything else is a doubt, so callers fail closed on it.
 */
record ShellAnalysis(List<ShellInvocation> commands, List<RedirectTarget> writes, List<String> doubts) {

    /** A file an output redirection writes. {@code relativeToUnknownDirectory}: the script changed directory first. */
    record RedirectTarget(ShellWord word, boolean relativeToUnknownDirectory) {}

    ShellAnalysis {
        commands = List.copyOf(commands);
        writes = List.copyOf(writes);
        doubts = List.copyOf(new LinkedHashSet<>(doubts));
    }

    static ShellAnalysis of(String commandLine) {
        Builder builder = new Builder();
        ShellParser.parse(commandLine, 0, builder);
        return builder.build();
    }

    boolean understood() {
        return doubts.isEmpty();
    }

    /** Collects what the parser and {@link InvocationResolver} find. */
    static final class Builder {
        private final List<ShellInvocation> commands = new ArrayList<>();
        private final List<RedirectTarget> writes = new ArrayList<>();
        private final List<String> doubts = new ArrayList<>();
        private boolean changedDirectory;

        void command(ShellInvocation invocation) {
            commands.add(invocation);
        }

        void write(ShellWord target) {
            writes.add(new RedirectTarget(target, false));
        }

        void doubt(String reason) {
            doubts.add(reason);
        }

        void changedDirectory() {
            changedDirectory = true;
        }

        /** A {@code cd} anywhere (a loop may run it before a redirection written earlier) makes relative targets unknown. */
        ShellAnalysis build() {
            List<RedirectTarget> targets = writes.stream()
                    .map(t -> new RedirectTarget(t.word(), changedDirectory)).toList();
            return new ShellAnalysis(commands, targets, doubts);
        }
    }
}
