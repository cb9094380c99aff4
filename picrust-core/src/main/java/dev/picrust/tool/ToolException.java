package dev.picrust.tool;

/**
 * A tool cannot do what was asked for a reason the model can fix (bad path, bad input). The
 * executor turns it into an error result carrying just the message.
 */
public class ToolException extends Exception {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
