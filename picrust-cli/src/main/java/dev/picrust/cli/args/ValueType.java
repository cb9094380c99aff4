package dev.picrust.cli.args;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * How an argument's text becomes a value: {@code parse} throws {@link IllegalArgumentException} (which
 * {@link NumberFormatException} and {@link java.nio.file.InvalidPathException} are) for text it cannot
 * read, and the parser reports "'TEXT' is not {@code noun}".
 */
public record ValueType<T>(String noun, Function<String, T> parse) {
    public static final ValueType<String> STRING = new ValueType<>("a string", s -> s);
    public static final ValueType<Path> PATH = new ValueType<>("a path", Path::of);
    public static final ValueType<Integer> INT = new ValueType<>("an int", Integer::valueOf);
    public static final ValueType<Long> LONG = new ValueType<>("a long", Long::valueOf);
    public static final ValueType<Double> DOUBLE = new ValueType<>("a double", Double::valueOf);
}
