package dev.picrust.cli.args;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;

/**
 * Reads a command line against {@link Command} declarations and runs the action it reaches. Options
 * and positional parameters may be mixed; {@code --opt value} and {@code --opt=value}, {@code -o value},
 * {@code -ovalue} and clustered short flags ({@code -ch}) are accepted; {@code --} ends the options. The
 * first word that is not an option selects a subcommand when the command has any; only that one is
 * built. Usage errors print one line naming the argument and a hint to {@code --help} on {@code err},
 * and give exit code {@value #USAGE_ERROR}.
 */
public final class ArgumentParser {
    /** The exit code of arguments the command does not accept. */
    public static final int USAGE_ERROR = 2;

    private static final Set<String> HELP = Set.of("-h", "--help");
    private static final Set<String> VERSION = Set.of("-V", "--version");

    private final Supplier<String> version;
    private final ToIntBiFunction<Exception, PrintWriter> onFailure;

    /**
     * @param version   what {@code --version} prints
     * @param onFailure turns an exception thrown by an action into its message on {@code err} and an exit code
     */
    public ArgumentParser(Supplier<String> version, ToIntBiFunction<Exception, PrintWriter> onFailure) {
        this.version = version;
        this.onFailure = onFailure;
    }

    /** Parses {@code args} for {@code root}, runs what they select and returns the exit code. */
    public int execute(Command root, List<String> args, PrintWriter out, PrintWriter err) {
        List<String> path = new ArrayList<>(List.of(root.name()));
        try {
            return run(root, args, path, out, err);
        } catch (UsageException e) {
            err.println(root.name() + ": " + e.getMessage());
            err.println("Try '" + String.join(" ", path) + " --help' for more information.");
            return USAGE_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(Command root, List<String> args, List<String> path, PrintWriter out, PrintWriter err)
            throws UsageException {
        Command current = root;
        bindDefaults(current);
        Set<Parameter> seen = new HashSet<>();
        Set<String> given = new HashSet<>();
        int positionals = 0;
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!optionsEnded && arg.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && HELP.contains(arg)) {
                out.print(HelpText.of(current, path));
                return 0;
            } else if (!optionsEnded && VERSION.contains(arg)) {
                out.println(version.get());
                return 0;
            } else if (!optionsEnded && isOption(current, arg)) {
                i = option(current, args, i, seen, given);
            } else if (!current.subcommands().isEmpty() && positionals == 0 && positionalsOf(current).isEmpty()) {
                if (arg.equals("help")) {
                    Command target = current;
                    for (String name : args.subList(i + 1, args.size())) {
                        target = subcommand(target, name);
                        path.add(name);
                    }
                    out.print(HelpText.of(target, path));
                    return 0;
                }
                current = subcommand(current, arg);
                path.add(arg);
                bindDefaults(current);
            } else {
                positional(current, arg, positionals++);
            }
        }
        Optional<Parameter.Positionals<?>> declared = positionalsOf(current);
        if (declared.isPresent() && positionals < declared.get().min()) {
            throw new UsageException("missing parameter '" + declared.get().label() + "'");
        }
        if (current.action().isEmpty()) {
            out.print(HelpText.of(current, path));
            return 0;
        }
        try {
            return current.action().get().run(new Invocation(path, given, out, err));
        } catch (Exception e) {
            return onFailure.applyAsInt(e, err);
        }
    }

    /**
     * Whether {@code arg} is meant as an option: it starts with a dash and is not {@code -} (standard
     * input, by convention) or a negative number no option of that name is declared for.
     */
    private static boolean isOption(Command command, String arg) {
        if (!arg.startsWith("-") || arg.equals("-")) {
            return false;
        }
        return !(arg.length() > 1 && Character.isDigit(arg.charAt(1))) || find(command, name(arg)).isPresent();
    }

    private static String name(String arg) {
        int equals = arg.indexOf('=');
        if (arg.startsWith("--")) {
            return equals < 0 ? arg : arg.substring(0, equals);
        }
        return arg.substring(0, Math.min(2, arg.length()));
    }

    /** Binds the option at {@code args[i]}; returns the index of the last argument it used. */
    private static int option(Command command, List<String> args, int i, Set<Parameter> seen, Set<String> given)
            throws UsageException {
        String arg = args.get(i);
        String name = name(arg);
        String rest = arg.substring(name.length());
        Optional<String> attached = rest.startsWith("=") ? Optional.of(rest.substring(1))
                : rest.isEmpty() ? Optional.empty() : Optional.of(rest);
        Parameter parameter = find(command, name).orElseThrow(() -> new UsageException("unknown option '" + name + "'"));
        if (parameter instanceof Parameter.Flag && !rest.isEmpty() && !rest.startsWith("=")) {
            // -ch: a cluster of short flags
            for (char c : rest.toCharArray()) {
                String flag = "-" + c;
                if (!(find(command, flag).orElseThrow(() -> new UsageException("unknown option '" + flag + "' in '"
                        + arg + "'")) instanceof Parameter.Flag)) {
                    throw new UsageException("option '" + flag + "' needs a value and cannot be clustered in '" + arg + "'");
                }
            }
            for (char c : (name.charAt(1) + rest).toCharArray()) {
                Parameter.Flag flag = (Parameter.Flag) find(command, "-" + c).orElseThrow();
                flag.set().run();
                given.addAll(flag.names());
            }
            return i;
        }
        int last = i;
        switch (parameter) {
            case Parameter.Flag flag -> {
                if (attached.isPresent()) {
                    throw new UsageException("option '" + name + "' takes no value (got '" + attached.get() + "')");
                }
                flag.set().run();
                given.addAll(flag.names());
            }
            case Parameter.Single<?> single -> {
                if (!seen.add(single)) {
                    throw new UsageException("option '" + name + "' should be given only once");
                }
                String value = attached.orElse(null);
                if (value == null) {
                    value = next(command, args, i, name, single.label());
                    last = i + 1;
                }
                bind(single, name, value);
                given.addAll(single.names());
            }
            case Parameter.Repeated<?> repeated -> {
                String value = attached.orElse(null);
                if (value == null) {
                    value = next(command, args, i, name, repeated.label());
                    last = i + 1;
                }
                add(repeated, name, value);
                given.addAll(repeated.names());
            }
            case Parameter.Positionals<?> p -> throw new IllegalStateException("positionals have no name");
        }
        return last;
    }

    /** The value after an option, which must be there and must not be another option of the command. */
    private static String next(Command command, List<String> args, int i, String name, String label)
            throws UsageException {
        if (i + 1 >= args.size() || isKnownOption(command, args.get(i + 1))) {
            throw new UsageException("missing value for option '" + name + "' (" + label + ")");
        }
        return args.get(i + 1);
    }

    private static boolean isKnownOption(Command command, String arg) {
        return arg.startsWith("-") && arg.length() > 1 && (HELP.contains(arg) || VERSION.contains(arg)
                || find(command, name(arg)).isPresent());
    }

    private static <T> void bind(Parameter.Single<T> single, String name, String value) throws UsageException {
        single.bind().accept(convert(single.type(), value, "option '" + name + "'"));
    }

    private static <T> void add(Parameter.Repeated<T> repeated, String name, String value) throws UsageException {
        repeated.add().accept(convert(repeated.type(), value, "option '" + name + "'"));
    }

    private static void positional(Command command, String arg, int index) throws UsageException {
        Parameter.Positionals<?> declared = positionalsOf(command).orElseThrow(() -> new UsageException(
                command.subcommands().isEmpty() ? "unexpected argument '" + arg + "'" : "unknown command '" + arg + "'"));
        if (index >= declared.max()) {
            throw new UsageException("unexpected argument '" + arg + "' (" + declared.label() + " is already given)");
        }
        addPositional(declared, arg);
    }

    private static <T> void addPositional(Parameter.Positionals<T> declared, String arg) throws UsageException {
        declared.add().accept(convert(declared.type(), arg, declared.label()));
    }

    private static <T> T convert(ValueType<T> type, String text, String what) throws UsageException {
        try {
            return type.parse().apply(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid value for " + what + ": '" + text + "' is not " + type.noun());
        }
    }

    private static void bindDefaults(Command command) {
        for (Parameter parameter : command.parameters()) {
            if (parameter instanceof Parameter.Single<?> single && single.defaultValue().isPresent()) {
                bindDefault(single);
            }
        }
    }

    private static <T> void bindDefault(Parameter.Single<T> single) {
        single.bind().accept(single.type().parse().apply(single.defaultValue().orElseThrow()));
    }

    private static Command subcommand(Command command, String name) throws UsageException {
        for (Subcommand s : command.subcommands()) {
            if (s.name().equals(name)) {
                return s.create().get();
            }
        }
        throw new UsageException("unknown command '" + name + "'" + (command.subcommands().isEmpty() ? ""
                : " (commands: " + String.join(", ", command.subcommands().stream().map(Subcommand::name).toList())
                + ")"));
    }

    private static Optional<Parameter> find(Command command, String name) {
        for (Parameter parameter : command.parameters()) {
            List<String> names = switch (parameter) {
                case Parameter.Flag f -> f.names();
                case Parameter.Single<?> s -> s.names();
                case Parameter.Repeated<?> r -> r.names();
                case Parameter.Positionals<?> p -> List.of();
            };
            if (names.contains(name)) {
                return Optional.of(parameter);
            }
        }
        return Optional.empty();
    }

    static Optional<Parameter.Positionals<?>> positionalsOf(Command command) {
        for (Parameter parameter : command.parameters()) {
            if (parameter instanceof Parameter.Positionals<?> p) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
