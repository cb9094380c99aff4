package dev.picrust.llm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.RecordingSleeper;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.gemini.GeminiConfig;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiConfig;
import dev.picrust.llm.openai.OpenAiProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Provider deadlines against loopback servers that misbehave the ways dead and stuck servers do: one
 * that accepts and never answers, one that sends headers and then only keep-alive pings, one that
 * trickles bytes forever. Each attempt fails within its configured deadline, the failure is retried as
 * the policy says, and the final error is one line naming the URL and the limit. Only generous upper
 * bounds on time are asserted.
 */
class ProviderDeadlinesTest {
    /** Far above every configured deadline here: a failure to fire shows as a hang caught by this bound. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<StreamEvent> heard = new CopyOnWriteArrayList<>();
    private MisbehavingServer server;

    /** The three wire APIs, each with what its servers send to keep a quiet stream open. */
    enum Api {
        ANTHROPIC("claude-test", "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                (url, http) -> new AnthropicProvider(AnthropicConfig.builder("sk-ant-deadline-test").baseUrl(url)
                        .http(http).build())),
        OPENAI("gpt-test", ": keep-alive\n\n",
                (url, http) -> new OpenAiProvider(OpenAiConfig.builder("sk-deadline-test").baseUrl(url + "/v1")
                        .http(http).build())),
        GEMINI("gemini-test", ": keep-alive\n\n",
                (url, http) -> new GeminiProvider(GeminiConfig.builder("gemini-deadline-test").baseUrl(url + "/v1beta")
                        .http(http).build()));

        final String model;
        final String ping;
        final java.util.function.BiFunction<String, HttpSettings, LlmProvider> create;

        Api(String model, String ping, java.util.function.BiFunction<String, HttpSettings, LlmProvider> create) {
            this.model = model;
            this.ping = ping;
            this.create = create;
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private HttpSettings settings() {
        // The limits far apart, so each test shows which one fired (and a loaded machine's pauses between
        // a misbehaving server's writes stay far below the idle timeout).
        return HttpSettings.DEFAULTS.withSleeper(sleeper).withRetryPolicy(RetryPolicy.DEFAULT.withMaxRetries(1))
                .withFirstByteTimeout(Duration.ofMillis(400)).withIdleTimeout(Duration.ofSeconds(5))
                .withAttemptTimeout(Duration.ofSeconds(20));
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void serverThatNeverAnswersFailsAtTheFirstByteDeadline(Api api) throws Exception {
        server = new MisbehavingServer(out -> { });
        LlmException e = failure(api, settings(), true);
        assertThat(e.getMessage()).contains(server.url()).contains("did not start within 400 ms");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void nonStreamingAnswerThatNeverComesFailsAtTheAttemptDeadline(Api api) throws Exception {
        server = new MisbehavingServer(out -> { });
        LlmException e = failure(api, settings().withAttemptTimeout(Duration.ofMillis(600)), false);
        assertThat(e.getMessage()).contains(server.url()).contains("did not start within 600 ms");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void streamOfOnlyPingsFailsAtTheIdleDeadline(Api api) throws Exception {
        server = new MisbehavingServer(out -> {
            out.write(streamHead());
            while (true) {
                out.write(chunk(api.ping));
                out.flush();
                pause();
            }
        });
        LlmException e = failure(api, settings().withIdleTimeout(Duration.ofMillis(1500)), true);
        assertThat(e.getMessage()).contains(server.url()).contains("only keep-alive pings", "1500 ms");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void streamThatTricklesBytesForeverFailsAtTheAttemptDeadline(Api api) throws Exception {
        server = new MisbehavingServer(out -> {
            out.write(streamHead());
            out.write(chunk("data: {\"x\": \""));
            while (true) {
                out.write(chunk("a"));  // one event that never ends: bytes keep coming, content never does
                out.flush();
                pause();
            }
        });
        LlmException e = failure(api, settings().withAttemptTimeout(Duration.ofMillis(1500)), true);
        assertThat(e.getMessage()).contains(server.url()).contains("deadline of 1500 ms");
    }

    @ParameterizedTest
    @EnumSource(value = Api.class, names = "ANTHROPIC")
    void jdkClientKeepsTheSameDeadlines(Api api) throws Exception {
        server = new MisbehavingServer(out -> {
            out.write(streamHead());
            out.write(chunk("data: {\"x\": \""));
            while (true) {
                out.write(chunk("a"));
                out.flush();
                pause();
            }
        });
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            LlmException e = failure(api, settings().withAttemptTimeout(Duration.ofMillis(1500)).withHttpClient(client), true);
            assertThat(e.getMessage()).contains(server.url()).contains("deadline of 1500 ms");
        }
    }

    /** Calls, expects a timeout after one retry, and checks what every deadline failure must say. */
    private LlmException failure(Api api, HttpSettings http, boolean streaming) throws Exception {
        LlmProvider provider = api.create.apply(server.baseUrl(), http);
        LlmRequest request = LlmRequest.of(api.model, List.of(Message.user("hi")), 64);
        long started = System.nanoTime();
        LlmException[] thrown = new LlmException[1];
        assertThatThrownBy(() -> {
            try {
                if (streaming) {
                    provider.stream(request, heard::add, Cancellation.none());
                } else {
                    provider.send(request, Cancellation.none());
                }
            } catch (LlmException e) {
                thrown[0] = e;
                throw e;
            }
        }).isInstanceOf(LlmException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(GENEROUS);
        if (provider instanceof AutoCloseable closeable) {
            closeable.close();
        }
        LlmException e = thrown[0];
        assertThat(e.kind()).isEqualTo(LlmException.Kind.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).doesNotContain("\n").endsWith("(gave up after 1 retries)");
        assertThat(server.connections()).as("one attempt and one retry").isEqualTo(2);
        assertThat(sleeper.delays()).hasSize(1);
        if (streaming) {
            assertThat(heard).filteredOn(StreamEvent.Retrying.class::isInstance).hasSize(1);
        }
        return e;
    }

    private static byte[] streamHead() {
        return ("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] chunk(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(data, 0, all, head.length, data.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        return all;
    }

    /** The pace of a trickle: the server's behaviour, not a synchronisation point. */
    private static void pause() throws IOException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("server stopping", e);
        }
    }

    /** A loopback server that reads each request and then runs {@code script} on the connection until it breaks. */
    private static final class MisbehavingServer implements AutoCloseable {
        interface Script {
            void serve(OutputStream out) throws IOException;
        }

        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final CountDownLatch closing = new CountDownLatch(1);

        MisbehavingServer(Script script) throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        connections.incrementAndGet();
                        open.add(client);
                        Thread.ofVirtual().start(() -> serve(client, script));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket client, Script script) {
            try {
                readRequest(client.getInputStream());
                script.serve(client.getOutputStream());
                closing.await(1, TimeUnit.MINUTES);  // a script that returns holds the connection open, silent
            } catch (IOException | InterruptedException gone) {
                // The client gave up on this connection: what the test is about.
            }
        }

        private static void readRequest(InputStream in) throws IOException {
            int matched = 0;
            StringBuilder text = new StringBuilder();
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new SocketException("closed before the request ended");
                }
                text.append((char) b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : 0;
            }
            for (String line : text.toString().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    in.readNBytes(Integer.parseInt(line.substring(15).trim()));
                }
            }
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        /** What error messages must name: the start of every URL called on this server. */
        String url() {
            return baseUrl() + "/";
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            closing.countDown();
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
