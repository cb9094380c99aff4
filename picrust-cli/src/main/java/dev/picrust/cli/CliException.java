package dev.picrust.cli;

/** A failure the user can act on; printed as one line, without a stack trace. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(String message) {
        this(message, 2);
    }

    int exitCode() {
        return exitCode;
    }
}
