package dev.picrust.cli;

/**
 * Colours for a terminal, or none. Colour is on only when the output is a terminal and
 * {@code NO_COLOR} is unset (https://no-color.org), so piped output stays plain text.
 */
record TerminalStyle(boolean colour) {
    static final TerminalStyle PLAIN = new TerminalStyle(false);

    /** Colours when {@code terminal} and the user did not ask for none. */
    static TerminalStyle detect(boolean terminal) {
        String noColor = System.getenv("NO_COLOR");
        return new TerminalStyle(terminal && (noColor == null || noColor.isEmpty()));
    }

    String tool(String s) {
        return paint("1;36", s);
    }

    String dim(String s) {
        return paint("2", s);
    }

    String error(String s) {
        return paint("31", s);
    }

    String warning(String s) {
        return paint("33", s);
    }

    String ok(String s) {
        return paint("32", s);
    }

    String bold(String s) {
        return paint("1", s);
    }

    private String paint(String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
