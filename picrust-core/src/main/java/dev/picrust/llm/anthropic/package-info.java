/**
 * The Anthropic Messages API provider.
 *
 * <p>Retry defaults (see {@link dev.picrust.llm.RetryPolicy#DEFAULT}): up to 4 retries after the
 * first attempt; waits of 0.5, 1, 2, 4 s (doubling, capped at 8 s), each shortened by a random
 * 0-25%; a {@code retry-after-ms} / {@code retry-after} delay from the server replaces the backoff
 * and is capped at 60 s. Retried: HTTP 408, 409, 429, 5xx and 529 unless {@code x-should-retry}
 * says otherwise, connection failures, answers that do not start within the request timeout (10
 * min), and streams that send a transient {@code error} event, stay silent longer than the idle
 * timeout (60 s), or end before {@code message_stop}. Each retry re-sends the whole request.
 */
package dev.picrust.llm.anthropic;
