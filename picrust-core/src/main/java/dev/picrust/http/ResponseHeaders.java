package dev.picrust.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The header fields of an HTTP answer, in the order received. Names are compared ignoring case;
 * an answer has a handful of headers, so a list beats a map here.
 */
public record ResponseHeaders(List<String> names, List<String> values) {
    public static final ResponseHeaders EMPTY = new ResponseHeaders(List.of(), List.of());

    public ResponseHeaders {
        names = List.copyOf(names);
        values = List.copyOf(values);
        if (names.size() != values.size()) {
            throw new IllegalArgumentException("names and values differ in length");
        }
    }

    /** Headers from name/value pairs: {@code of("retry-after", "2", "x-should-retry", "true")}. */
    public static ResponseHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            names.add(namesAndValues[i]);
            values.add(namesAndValues[i + 1]);
        }
        return new ResponseHeaders(names, values);
    }

    /** Headers from a map of lists, as {@link java.net.http.HttpHeaders#map()} gives them. */
    public static ResponseHeaders of(Map<String, List<String>> map) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        map.forEach((name, list) -> list.forEach(value -> {
            names.add(name);
            values.add(value);
        }));
        return new ResponseHeaders(names, values);
    }

    /** The first value of the named header. */
    public Optional<String> firstValue(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return Optional.of(values.get(i));
            }
        }
        return Optional.empty();
    }

    /** Every value of the named header, in order. */
    public List<String> allValues(String name) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return all;
    }

    /** Whether a comma-separated header (such as {@code connection}) lists the token. */
    boolean hasToken(String name, String token) {
        for (String value : allValues(name)) {
            for (String part : value.split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
