package dev.picrust.llm.wire;

import dev.picrust.http.HttpCall;
import dev.picrust.llm.LlmResponse;
import java.io.InputStream;

/**
 * Sees every HTTP exchange of every provider (through {@link HttpRetryLoop}): the request as sent,
 * the answer's status and raw bytes as read, and how the attempt ended. {@link #OFF} by default, and
 * then an attempt pays one volatile read; {@link WireLog} is the recorder behind {@code --verbose} /
 * {@code --debug}. An implementation must never throw into the call it watches, and must redact
 * whatever it writes: the request headers carry the API key.
 */
public interface WireRecorder {

    /** Records nothing (a class, not a lambda: it is loaded on every process's first model call). */
    WireRecorder OFF = new WireRecorder() {
        @Override
        public Exchange start(String label, HttpCall call) {
            return Exchange.NONE;
        }
    };

    /** An attempt is about to be sent; {@code label} names the provider ({@code Anthropic}, ...). */
    Exchange start(String label, HttpCall call);

    /** One attempt, from sending to its end; closing it ends the record. */
    interface Exchange extends AutoCloseable {
        Exchange NONE = new Exchange() {};

        /** The answer's head arrived; returns the stream the loop reads (the body, or a copy-taking view of it). */
        default InputStream answer(int status, InputStream body) {
            return body;
        }

        /** The attempt produced a response; returns it. */
        default LlmResponse answered(LlmResponse response) {
            return response;
        }

        /** The attempt failed (no answer, an HTTP error, a broken stream); {@code message} is already redacted. */
        default void failed(String message) {}

        @Override
        default void close() {}
    }
}
