package dev.picrust.cli.args;

/** Arguments the declarations do not accept; the message names the offending argument. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
