package dev.picrust.llm.wire;

import dev.picrust.http.HttpCall;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Usage;
import dev.picrust.secret.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The request/response log: one line per exchange on {@code lines} (method, URL, status, time,
 * tokens), and with {@code bodies} the redacted request and raw answer too, on {@code lines} and as
 * files {@code NNNN-request.txt} / {@code NNNN-response.txt} in the folder {@code folder} gives at the
 * time of the call (a session's {@code debug/} folder). Everything passes through the process's
 * {@link Redactor}; authentication headers are never written at all.
 */
public final class WireLog implements WireRecorder {
    /** Header names whose values are credentials whatever they look like. */
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "x-api-key", "x-goog-api-key", "api-key",
            "proxy-authorization", "cookie");
    /** A debug copy of an answer keeps at most this much (a runaway stream must not fill the disk). */
    private static final int MAX_COPY_BYTES = 16 << 20;

    private final Optional<PrintStream> lines;
    private final boolean bodies;
    private final Supplier<Optional<Path>> folder;
    private final AtomicInteger sequence = new AtomicInteger();

    /**
     * @param lines  where the one-line summaries (and with {@code bodies}, the bodies) go, if anywhere
     * @param bodies also record request and answer bodies
     * @param folder where body files go at the time of a call; empty: no files
     */
    public WireLog(Optional<PrintStream> lines, boolean bodies, Supplier<Optional<Path>> folder) {
        this.lines = lines;
        this.bodies = bodies;
        this.folder = folder;
    }

    @Override
    public Exchange start(String label, HttpCall call) {
        int number = sequence.incrementAndGet();
        String url = Redactor.shared().redact(call.uri().toString());
        Optional<Path> dir = bodies ? folder.get() : Optional.empty();
        if (bodies) {
            String request = call.method() + " " + url + "\n" + headers(call) + "\n" + utf8(call.body());
            write(dir, number, "request", request);
            lines.ifPresent(out -> out.println("picrust: [" + number + "] request " + request));
        }
        return new Recording(number, label, call.method() + " " + url, dir);
    }

    private final class Recording implements Exchange {
        private final int number;
        private final String label;
        private final String target;
        private final Optional<Path> dir;
        private final long started = System.nanoTime();
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        private int status;
        private String outcome = " (no response: interrupted)";

        Recording(int number, String label, String target, Optional<Path> dir) {
            this.number = number;
            this.label = label;
            this.target = target;
            this.dir = dir;
        }

        @Override
        public InputStream answer(int code, InputStream body) {
            status = code;
            return bodies ? new Copying(body, copy) : body;
        }

        @Override
        public LlmResponse answered(LlmResponse response) {
            Usage u = response.usage();
            outcome = String.format(Locale.ROOT, ", %,d tokens in, %,d out, stop %s", u.inputTokens()
                    + u.cacheReadInputTokens() + u.cacheCreationInputTokens(), u.outputTokens(), response.stopReason().wire());
            return response;
        }

        @Override
        public void failed(String message) {
            outcome = " (failed: " + Redactor.shared().redact(message) + ")";
        }

        @Override
        public void close() {
            long ms = (System.nanoTime() - started) / 1_000_000;
            String head = "HTTP " + (status == 0 ? "-" : Integer.toString(status));
            if (bodies) {
                String answer = head + "\n\n" + utf8(copy.toByteArray());
                write(dir, number, "response", answer);
                lines.ifPresent(out -> out.println("picrust: [" + number + "] response " + answer));
            }
            lines.ifPresent(out -> out.println("picrust: [" + number + "] " + label + " " + target + " -> "
                    + (status == 0 ? "no answer" : status) + " in " + ms + " ms" + outcome));
        }
    }

    private static String headers(HttpCall call) {
        StringBuilder out = new StringBuilder();
        for (HttpCall.Header h : call.headers()) {
            boolean secret = SECRET_HEADERS.contains(h.name().toLowerCase(Locale.ROOT));
            out.append(h.name()).append(": ").append(secret ? Redactor.MASK : h.value()).append('\n');
        }
        return out.toString();
    }

    private static String utf8(byte[] bytes) {
        return Redactor.shared().redact(new String(bytes, StandardCharsets.UTF_8));
    }

    private void write(Optional<Path> dir, int number, String kind, String text) {
        if (dir.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir.get());
            Files.writeString(dir.get().resolve(String.format(Locale.ROOT, "%04d-%s.txt", number, kind)),
                    Redactor.shared().redact(text));
        } catch (IOException | RuntimeException e) {
            // A debug aid never breaks the call it watches.
            lines.ifPresent(out -> out.println("picrust: cannot write the debug file in " + dir.get() + ": " + e.getMessage()));
        }
    }

    /** The answer as the loop reads it, copied (up to a cap) for the debug file. */
    private static final class Copying extends FilterInputStream {
        private final ByteArrayOutputStream copy;

        Copying(InputStream in, ByteArrayOutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && copy.size() < MAX_COPY_BYTES) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && copy.size() < MAX_COPY_BYTES) {
                copy.write(buffer, offset, Math.min(n, MAX_COPY_BYTES - copy.size()));
            }
            return n;
        }
    }
}
