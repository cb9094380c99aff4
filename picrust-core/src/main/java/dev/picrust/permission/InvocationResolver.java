package dev.picrust.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a simple command runs, beyond itself: the command a wrapper ({@code env}, {@code timeout},
 * {@code xargs}, {@code sudo}...) starts, the script {@code bash -c} or {@code eval} is given,
 * {@code find -exec}'s command. And what only the running shell could know: builtins that
 * evaluate text as code or arithmetic, or change how later names resolve, become doubts.
 */
final class InvocationResolver {
    private static final Set<String> SHELLS = Set.of("bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "rbash",
            "yash", "posh", "fish", "tcsh", "csh");
    /** Variables whose value changes which program a name runs, or that bash evaluates as code. */
    private static final Set<String> DANGEROUS_VARIABLES = Set.of("PATH", "BASH_ENV", "ENV", "BASH_ALIASES",
            "BASH_CMDS", "PS4", "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "LD_PRELOAD", "LD_LIBRARY_PATH",
            "LD_AUDIT", "BASH_LOADABLES_PATH", "BASH_XTRACEFD");
    private static final Pattern ASSIGNMENT_SOURCE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\+?=.*", Pattern.DOTALL);
    private static final String FROM_STDIN = "<arguments read from standard input>";

    private InvocationResolver() {}

    /**
     * Records the command {@code words} (after expansion as far as known) and whatever it runs.
     * {@code withEnvironment}: variable assignments in front of it set its environment.
     */
    static void resolve(List<ShellWord> words, boolean withEnvironment, int depth, ShellAnalysis.Builder out) {
        ShellWord first = words.getFirst();
        out.command(new ShellInvocation(words, depth, withEnvironment));
        if (first.value().isEmpty()) {
            out.doubt("the command name " + first.source() + " is only known when the command runs");
            return;
        }
        String name = ShellInvocation.baseName(first.value().get());
        List<ShellWord> args = words.subList(1, words.size());
        switch (name) {
            case "eval" -> script(args, "eval", depth, out);
            case "source", "." -> out.doubt(name + " runs the commands of a file the analyser cannot see");
            case "alias" -> {
                if (args.stream().anyMatch(a -> !a.isLiteral() || a.text().contains("="))) {
                    out.doubt("alias defines a command name the analyser cannot follow");
                }
            }
            case "env" -> env(args, depth, out);
            case "command" -> seeThrough(args, "command", Set.of("p", "v", "V"), Set.of(), withEnvironment, depth, out);
            case "builtin", "nohup" -> seeThrough(args, name, Set.of(), Set.of(), withEnvironment, depth, out);
            case "exec" -> seeThrough(args, "exec", Set.of("c", "l"), Set.of("a"), withEnvironment, depth, out);
            case "nice" -> nice(args, withEnvironment, depth, out);
            case "timeout" -> timeout(args, withEnvironment, depth, out);
            case "time" -> time(args, withEnvironment, depth, out);
            case "stdbuf" -> seeThrough(args, "stdbuf", Set.of(), Set.of("i", "o", "e", "input", "output", "error"),
                    withEnvironment, depth, out);
            case "setsid" -> seeThrough(args, "setsid", Set.of("c", "f", "w", "ctty", "fork", "wait"), Set.of(),
                    withEnvironment, depth, out);
            case "xargs" -> xargs(args, depth, out);
            case "sudo", "doas" -> sudo(name, args, depth, out);
            case "watch" -> watch(args, depth, out);
            case "find" -> find(args, depth, out);
            case "busybox" -> {
                if (!args.isEmpty()) {
                    resolve(args, withEnvironment, depth, out);
                }
            }
            case "trap" -> trap(args, depth, out);
            case "let" -> {
                for (ShellWord a : args) {
                    if (a.value().filter(ShellParser::arithmeticIsInert).isEmpty()) {
                        out.doubt("let evaluates " + a.source() + " as arithmetic, which can run a command stored in a variable");
                    }
                }
            }
            case "declare", "typeset", "local", "export", "readonly" -> declaration(name, args, out);
            case "unset" -> names(name, args, Set.of(), out);
            case "read" -> names(name, args, Set.of("d", "i", "n", "N", "p", "t", "u"), out);
            case "mapfile", "readarray" -> {
                if (args.stream().anyMatch(a -> a.text().startsWith("-") && a.text().contains("C"))) {
                    out.doubt(name + " -C runs a callback given as text");
                }
                names(name, args, Set.of("d", "n", "O", "s", "u", "c", "C"), out);
            }
            case "printf" -> {
                if (args.size() >= 2 && args.getFirst().value().filter("-v"::equals).isPresent()) {
                    checkName("printf -v", args.get(1), out);
                }
            }
            case "test", "[" -> {
                for (int i = 0; i + 1 < args.size(); i++) {
                    if (args.get(i).value().filter("-v"::equals).isPresent()) {
                        checkName(name + " -v", args.get(i + 1), out);
                    }
                }
            }
            case "hash" -> {
                if (args.stream().anyMatch(a -> !a.isLiteral() || a.text().startsWith("-") && a.text().contains("p"))) {
                    out.doubt("hash -p binds a command name to another program");
                }
            }
            case "enable" -> out.doubt("enable changes which builtins exist or loads new ones");
            case "shopt" -> {
                if (args.stream().anyMatch(a -> !a.isLiteral() || a.text().equals("expand_aliases")
                        || a.text().equals("extglob"))) {
                    out.doubt("shopt changes how bash reads the rest of the command (aliases or extended patterns)");
                }
            }
            case "fc", "history" -> out.doubt(name + " can re-run earlier commands");
            case "cd", "pushd", "popd" -> out.changedDirectory();
            default -> {
                if (SHELLS.contains(name)) {
                    shell(name, args, depth, out);
                }
            }
        }
    }

    /** A variable assigned in a command line; some change what later names run or are evaluated as code. */
    static void checkAssignedName(String name, ShellAnalysis.Builder out) {
        if (DANGEROUS_VARIABLES.contains(name)) {
            out.doubt("assigning " + name + " changes which program a command name runs or what bash evaluates");
        }
    }

    private static void script(List<ShellWord> args, String what, int depth, ShellAnalysis.Builder out) {
        if (args.isEmpty()) {
            return;
        }
        if (args.stream().allMatch(ShellWord::isLiteral)) {
            ShellParser.parse(String.join(" ", args.stream().map(ShellWord::text).toList()), depth + 1, out);
        } else {
            out.doubt(what + " runs text that is only known when the command runs: "
                    + String.join(" ", args.stream().map(ShellWord::source).toList()));
        }
    }

    /**
     * Skips a wrapper's options and resolves the command after them. {@code flags} take no
     * argument, {@code withArgument} take one; single letters may be clustered ({@code -cl}).
     */
    private static void seeThrough(List<ShellWord> args, String wrapper, Set<String> flags, Set<String> withArgument,
                                   boolean withEnvironment, int depth, ShellAnalysis.Builder out) {
        Optional<Integer> start = skipOptions(args, wrapper, flags, withArgument, out);
        start.filter(i -> i < args.size())
                .ifPresent(i -> resolve(args.subList(i, args.size()), withEnvironment, depth, out));
    }

    /** Index of the first word after the options, or empty (with a doubt) if that cannot be known. */
    private static Optional<Integer> skipOptions(List<ShellWord> args, String wrapper, Set<String> flags,
                                                 Set<String> withArgument, ShellAnalysis.Builder out) {
        int i = 0;
        while (i < args.size()) {
            ShellWord arg = args.get(i);
            if (arg.value().isEmpty()) {
                out.doubt("cannot tell which command " + wrapper + " runs: " + arg.source() + " is only known when it runs");
                return Optional.empty();
            }
            String a = arg.value().get();
            if (a.equals("--")) {
                return Optional.of(i + 1);
            }
            if (a.startsWith("--") ) {
                String option = a.substring(2);
                int eq = option.indexOf('=');
                String key = eq < 0 ? option : option.substring(0, eq);
                if (withArgument.contains(key)) {
                    i += eq < 0 ? 2 : 1;
                } else if (flags.contains(key) || key.equals("help") || key.equals("version")) {
                    i++;
                } else {
                    out.doubt(wrapper + " has an option the analyser does not know: " + a);
                    return Optional.empty();
                }
                continue;
            }
            if (a.startsWith("-") && a.length() > 1) {
                boolean consumedNext = false;
                for (int j = 1; j < a.length(); j++) {
                    String letter = String.valueOf(a.charAt(j));
                    if (withArgument.contains(letter)) {
                        consumedNext = j == a.length() - 1;
                        break;
                    } else if (!flags.contains(letter)) {
                        out.doubt(wrapper + " has an option the analyser does not know: " + a);
                        return Optional.empty();
                    }
                }
                i += consumedNext ? 2 : 1;
                continue;
            }
            return Optional.of(i);
        }
        return Optional.of(i);
    }

    private static void env(List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        boolean assigned = false;
        int i = 0;
        while (i < args.size()) {
            ShellWord arg = args.get(i);
            if (arg.value().isEmpty()) {
                out.doubt("cannot tell which command env runs: " + arg.source() + " is only known when it runs");
                return;
            }
            String a = arg.value().get();
            if (a.equals("-S") || a.startsWith("--split-string") || (a.startsWith("-") && !a.startsWith("--")
                    && a.indexOf('S') > 0)) {
                out.doubt("env -S splits a string into a command line the analyser does not follow");
                return;
            }
            if (a.equals("-C") || a.startsWith("--chdir") || (a.startsWith("-C") && !a.startsWith("--"))) {
                out.changedDirectory();
            }
            if (a.equals("--")) {
                i++;
                break;
            }
            if (a.equals("-u") || a.equals("-C") || a.equals("--unset") || a.equals("--chdir")) {
                i += 2;
            } else if (a.startsWith("-")) {
                if (!a.matches("-[i0vuC].*|-|--(ignore-environment|null|debug|unset=.*|chdir=.*)")) {
                    out.doubt("env has an option the analyser does not know: " + a);
                    return;
                }
                i++;
            } else if (ASSIGNMENT_SOURCE.matcher(a).matches()) {
                checkAssignedName(a.substring(0, a.indexOf('=')).replace("+", ""), out);
                assigned = true;
                i++;
            } else {
                break;
            }
        }
        while (i < args.size() && args.get(i).value().filter(v -> ASSIGNMENT_SOURCE.matcher(v).matches()).isPresent()) {
            checkAssignedName(args.get(i).text().substring(0, args.get(i).text().indexOf('=')), out);
            assigned = true;
            i++;
        }
        if (i < args.size()) {
            resolve(args.subList(i, args.size()), assigned, depth, out);
        }
    }

    private static void nice(List<ShellWord> args, boolean withEnvironment, int depth, ShellAnalysis.Builder out) {
        if (!args.isEmpty() && args.getFirst().value().filter(v -> v.matches("-\\d+")).isPresent()) {
            seeThrough(args.subList(1, args.size()), "nice", Set.of(), Set.of("n", "adjustment"), withEnvironment,
                    depth, out);
            return;
        }
        seeThrough(args, "nice", Set.of(), Set.of("n", "adjustment"), withEnvironment, depth, out);
    }

    private static void timeout(List<ShellWord> args, boolean withEnvironment, int depth, ShellAnalysis.Builder out) {
        Optional<Integer> start = skipOptions(args, "timeout", Set.of("v", "verbose", "preserve-status", "foreground"),
                Set.of("s", "k", "signal", "kill-after"), out);
        // the first word after the options is the duration
        start.filter(i -> i + 1 < args.size())
                .ifPresent(i -> resolve(args.subList(i + 1, args.size()), withEnvironment, depth, out));
    }

    private static void time(List<ShellWord> args, boolean withEnvironment, int depth, ShellAnalysis.Builder out) {
        for (int i = 0; i + 1 < args.size(); i++) {
            String a = args.get(i).text();
            if (a.equals("-o") || a.equals("--output")) {
                out.write(args.get(i + 1));
            } else if (!a.startsWith("-")) {
                break;
            }
        }
        seeThrough(args, "time", Set.of("p", "v", "q", "a", "portability", "verbose", "quiet", "append"),
                Set.of("f", "o", "format", "output"), withEnvironment, depth, out);
    }

    private static void xargs(List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        boolean replacing = false;
        int i = 0;
        while (i < args.size()) {
            ShellWord arg = args.get(i);
            if (arg.value().isEmpty()) {
                out.doubt("cannot tell which command xargs runs: " + arg.source() + " is only known when it runs");
                return;
            }
            String a = arg.value().get();
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            if (a.startsWith("-I") || a.startsWith("-i") || a.startsWith("--replace")) {
                replacing = true;
            }
            if (a.matches("-[ILnPsdEa]")) {
                i += 2;
            } else if (a.matches("-[ILnPsdEa].+|-[ile].*|-[0rtpxo]+|--(null|no-run-if-empty|verbose|interactive|exit"
                    + "|open-tty|replace.*|max-args=.*|max-procs=.*|max-chars=.*|delimiter=.*|eof.*|arg-file=.*"
                    + "|max-lines.*|process-slot-var=.*|show-limits)")) {
                i++;
            } else {
                out.doubt("xargs has an option the analyser does not know: " + a);
                return;
            }
        }
        List<ShellWord> command = new ArrayList<>(i < args.size() ? args.subList(i, args.size())
                : List.of(ShellWord.literal("echo", "echo")));
        if (replacing) {
            // every word may have text from standard input put into it
            for (int j = 1; j < command.size(); j++) {
                command.set(j, ShellWord.dynamic(command.get(j).source()));
            }
            if (command.getFirst().value().filter(v -> v.contains("{}")).isPresent()) {
                out.doubt("xargs builds the command name from standard input");
            }
        }
        command.add(ShellWord.dynamic(FROM_STDIN));
        resolve(command, false, depth, out);
    }

    private static void sudo(String name, List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        Set<String> flags = Set.of("A", "b", "E", "H", "K", "k", "n", "P", "S", "V", "v", "B", "N", "s", "i",
                "preserve-env", "login", "shell", "non-interactive", "background", "askpass", "stdin", "set-home",
                "reset-timestamp", "remove-timestamp", "bell");
        Set<String> withArgument = Set.of("u", "g", "C", "D", "h", "p", "r", "t", "T", "U", "user", "group",
                "close-from", "chdir", "host", "prompt", "role", "type", "command-timeout", "other-user");
        for (ShellWord a : args) {
            String v = a.text();
            if (!v.startsWith("-")) {
                break;
            }
            if (v.equals("-e") || v.equals("--edit") || v.equals("-l") || v.equals("--list")) {
                if (v.contains("e")) {
                    out.doubt(name + " -e edits files as another user");
                }
                return;
            }
        }
        Optional<Integer> start = skipOptions(args, name, flags, withArgument, out);
        if (start.isEmpty()) {
            return;
        }
        int i = start.get();
        boolean assigned = false;
        while (i < args.size() && args.get(i).value().filter(v -> ASSIGNMENT_SOURCE.matcher(v).matches()).isPresent()) {
            checkAssignedName(args.get(i).text().substring(0, args.get(i).text().indexOf('=')), out);
            assigned = true;
            i++;
        }
        if (i < args.size()) {
            resolve(args.subList(i, args.size()), assigned, depth, out);
        } else if (args.stream().anyMatch(a -> a.text().matches("-[A-Za-z]*[si][A-Za-z]*|--shell|--login"))) {
            out.doubt(name + " opens a shell that reads commands the analyser cannot see");
        }
    }

    /** watch runs its arguments through {@code sh -c} unless given -x. */
    private static void watch(List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        boolean exec = args.stream().takeWhile(a -> a.text().startsWith("-"))
                .anyMatch(a -> a.text().equals("--exec") || a.text().matches("-[a-wyz]*x[a-z]*"));
        Optional<Integer> start = skipOptions(args, "watch", Set.of("d", "t", "b", "e", "g", "c", "x", "p", "w", "r",
                "differences", "no-title", "beep", "errexit", "chgexit", "color", "no-color", "exec", "precise",
                "no-wrap", "no-rerun"), Set.of("n", "q", "interval", "equexit"), out);
        if (start.isEmpty() || start.get() >= args.size()) {
            return;
        }
        List<ShellWord> command = args.subList(start.get(), args.size());
        if (exec) {
            resolve(command, false, depth, out);
        } else {
            script(command, "watch", depth, out);
        }
    }

    /** find's -exec, -execdir, -ok and -okdir run a command per file. */
    private static void find(List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            if (a.equals("-exec") || a.equals("-execdir") || a.equals("-ok") || a.equals("-okdir")) {
                int end = i + 1;
                while (end < args.size() && !args.get(end).text().equals(";") && !args.get(end).text().equals("+")) {
                    end++;
                }
                if (end > i + 1) {
                    resolve(args.subList(i + 1, end), false, depth + 1, out);
                }
                i = end;
            } else if (a.startsWith("-fprint") || a.equals("-fls")) {
                if (i + 1 < args.size()) {
                    out.write(args.get(i + 1));
                }
            }
        }
    }

    private static void trap(List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        int i = 0;
        while (i < args.size() && args.get(i).value().filter(v -> v.equals("-p") || v.equals("-l") || v.equals("--")).isPresent()) {
            i++;
        }
        if (i + 1 >= args.size()) {
            return; // prints traps, or resets one
        }
        ShellWord action = args.get(i);
        if (action.value().filter("-"::equals).isPresent()) {
            return;
        }
        script(List.of(action), "trap", depth, out);
    }

    private static void declaration(String name, List<ShellWord> args, ShellAnalysis.Builder out) {
        for (ShellWord arg : args) {
            String source = arg.source();
            if (arg.isLiteral() && (arg.text().startsWith("-") || arg.text().startsWith("+"))) {
                String options = arg.text();
                if (options.startsWith("-") && options.contains("i")) {
                    out.doubt(name + " -i makes later assignments evaluate arithmetic");
                }
                if (options.contains("n")) {
                    out.doubt(name + " -n makes a name refer to another, which can hold an array subscript");
                }
                continue;
            }
            var assignment = ASSIGNMENT_SOURCE.matcher(arg.isLiteral() ? arg.text() : source);
            if (assignment.matches()) {
                checkAssignedName(assignment.group(1), out);
                continue;
            }
            checkName(name, arg, out);
        }
    }

    /** Builtins whose non-option arguments are variable names; a subscript in one is evaluated. */
    private static void names(String name, List<ShellWord> args, Set<String> withArgument, ShellAnalysis.Builder out) {
        for (int i = 0; i < args.size(); i++) {
            ShellWord arg = args.get(i);
            String v = arg.text();
            if (arg.isLiteral() && v.startsWith("-") && v.length() > 1) {
                if (v.length() == 2 && withArgument.contains(v.substring(1))) {
                    i++;
                }
                continue;
            }
            checkName(name, arg, out);
        }
    }

    private static void checkName(String where, ShellWord name, ShellAnalysis.Builder out) {
        if (!name.isLiteral() || name.text().contains("[")) {
            out.doubt(where + " " + name.source()
                    + ": a variable name with an array subscript is evaluated as arithmetic, which can run a command");
        } else {
            checkAssignedName(name.text(), out);
        }
    }

    /** {@code bash -c 'script'} is analysed as a script; a shell reading a file or standard input is a doubt. */
    private static void shell(String name, List<ShellWord> args, int depth, ShellAnalysis.Builder out) {
        boolean command = false;
        int i = 0;
        while (i < args.size()) {
            ShellWord arg = args.get(i);
            if (arg.value().isEmpty()) {
                if (command) {
                    break;
                }
                out.doubt(name + " is given " + arg.source() + ", which is only known when it runs");
                return;
            }
            String a = arg.value().get();
            if (a.equals("--") || a.equals("-")) {
                i++;
                break;
            }
            if (a.equals("--version") || a.equals("--help")) {
                return;
            }
            if (a.startsWith("--")) {
                if (a.equals("--rcfile") || a.equals("--init-file")) {
                    out.doubt(name + " " + a + " runs a file the analyser cannot see");
                    return;
                }
                i++;
                continue;
            }
            if ((a.startsWith("-") || a.startsWith("+")) && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    switch (c) {
                        case 'c' -> command = true;
                        case 'i' -> {
                            out.doubt(name + " -i is interactive: it reads startup files and expands aliases");
                            return;
                        }
                        case 'o', 'O' -> {
                            i++;
                            if (i < args.size() && args.get(i).text().equals("expand_aliases")) {
                                out.doubt(name + " -O expand_aliases makes aliases expand");
                                return;
                            }
                        }
                        default -> { }
                    }
                }
                i++;
                continue;
            }
            break;
        }
        if (command) {
            if (i >= args.size()) {
                out.doubt(name + " -c without a command string");
                return;
            }
            ShellWord script = args.get(i);
            if (script.value().isEmpty()) {
                out.doubt(name + " -c is given " + script.source() + ", which is only known when it runs");
                return;
            }
            ShellParser.parse(script.value().get(), depth + 1, out);
            return;
        }
        if (i < args.size()) {
            out.doubt(name + " runs the script " + args.get(i).source() + ", which the analyser cannot see");
        } else {
            out.doubt(name + " reads commands from standard input, which the analyser cannot see");
        }
    }
}
