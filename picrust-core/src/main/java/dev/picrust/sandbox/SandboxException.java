package dev.picrust.sandbox;

/** A command cannot run because the sandbox it must run in cannot. */
public final class SandboxException extends Exception {
    public SandboxException(String message) {
        super(message);
    }
}
