package dev.picrust.cli.args;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One thing a command accepts, declared in code with the lambda that stores it: a flag, an option with
 * one value, a repeatable option, or the positional parameters. A description may say
 * {@code ${DEFAULT-VALUE}}, which the help replaces with the declared default.
 */
public sealed interface Parameter {

    String description();

    /** Placeholder in a description for the option's default value. */
    String DEFAULT_VALUE = "${DEFAULT-VALUE}";

    /** An option without a value: given or not ({@code --verbose}). */
    record Flag(List<String> names, String description, Runnable set) implements Parameter {
        public Flag {
            names = List.copyOf(names);
        }
    }

    /**
     * An option with one value ({@code --model NAME}, {@code --model=NAME}), given at most once; the
     * default, when declared, is bound before the arguments are read.
     */
    record Single<T>(List<String> names, String label, ValueType<T> type, String description,
                     Optional<String> defaultValue, Consumer<? super T> bind) implements Parameter {
        public Single {
            names = List.copyOf(names);
        }

        public Single<T> label(String newLabel) {
            return new Single<>(names, newLabel, type, description, defaultValue, bind);
        }

        public Single<T> defaultValue(String value) {
            return new Single<>(names, label, type, description, Optional.of(value), bind);
        }
    }

    /** An option that may be given any number of times, each value added ({@code --allow RULE}). */
    record Repeated<T>(List<String> names, String label, ValueType<T> type, String description,
                       Consumer<? super T> add) implements Parameter {
        public Repeated {
            names = List.copyOf(names);
        }

        public Repeated<T> label(String newLabel) {
            return new Repeated<>(names, newLabel, type, description, add);
        }
    }

    /**
     * The words that are not options, each added in order: at least {@code min}, at most {@code max}
     * ({@link Integer#MAX_VALUE} for any number).
     */
    record Positionals<T>(String label, int min, int max, ValueType<T> type, String description,
                          Consumer<? super T> add) implements Parameter {}

    /** A flag; {@code names} such as {@code "-c, --continue"}. */
    static Flag flag(String names, String description, Runnable set) {
        return new Flag(split(names), description, set);
    }

    /** An option with one value, labelled {@code <camelCaseName>} in the help unless {@link Single#label} says otherwise. */
    static <T> Single<T> single(String names, ValueType<T> type, String description, Consumer<? super T> bind) {
        List<String> split = split(names);
        return new Single<>(split, defaultLabel(split), type, description, Optional.empty(), bind);
    }

    static <T> Repeated<T> repeated(String names, ValueType<T> type, String description, Consumer<? super T> add) {
        List<String> split = split(names);
        return new Repeated<>(split, defaultLabel(split), type, description, add);
    }

    /** Exactly one positional parameter. */
    static <T> Positionals<T> positional(String label, ValueType<T> type, String description, Consumer<? super T> bind) {
        return new Positionals<>(label, 1, 1, type, description, bind);
    }

    /** Any number of positional parameters, none included. */
    static <T> Positionals<T> positionals(String label, ValueType<T> type, String description, Consumer<? super T> add) {
        return new Positionals<>(label, 0, Integer.MAX_VALUE, type, description, add);
    }

    private static List<String> split(String names) {
        List<String> split = Arrays.stream(names.split(","))
                .map(String::strip).filter(n -> !n.isEmpty()).toList();
        for (String name : split) {
            if (!name.startsWith("-") || name.equals("-") || name.equals("--") || name.contains("=")
                    || (!name.startsWith("--") && name.length() != 2)) {
                throw new IllegalArgumentException("not an option name: '" + name + "'");
            }
        }
        if (split.isEmpty()) {
            throw new IllegalArgumentException("an option needs a name");
        }
        return split;
    }

    /** {@code --max-tokens} is labelled {@code <maxTokens>}. */
    private static String defaultLabel(List<String> names) {
        String longest = names.stream().max(Comparator.comparingInt(String::length)).orElseThrow()
                .replaceFirst("^-+", "");
        StringBuilder label = new StringBuilder("<");
        boolean upper = false;
        for (char c : longest.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                label.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return label.append('>').toString();
    }
}
