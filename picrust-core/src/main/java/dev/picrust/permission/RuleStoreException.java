package dev.picrust.permission;

/** A persisted rule file could not be read or written. */
public final class RuleStoreException extends RuntimeException {
    public RuleStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
