package dev.picrust.bench.load;

import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The real Anthropic provider pointed at the mock server. One provider — and so one
 * {@link HttpClient} with one connection pool — is shared by every agent: providers keep no state
 * between calls, and a client per agent would mean ten thousand selector threads.
 */
final class HttpModel {
    static final String MODEL = "mock-tool-loop";

    private HttpModel() {}

    /** The provider and the client behind it (closed with the endpoint, so no pooled connection outlives it). */
    record Endpoint(LlmProvider provider, HttpClient client) {}

    static Endpoint provider(String baseUrl) {
        // Each pooled connection keeps a read buffer of this size (16 KiB by default); SSE events are a
        // few hundred bytes, and ten thousand idle keep-alive connections then hold 160 MiB for nothing.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", "2048");
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // the mock speaks HTTP/1.1; no h2c upgrade attempt
                .connectTimeout(Duration.ofSeconds(30));
        // The client's own tasks (reading responses, completing futures) run on virtual threads: the
        // default cached pool of platform threads grew to hundreds of threads and cost more CPU.
        switch (System.getProperty("picrust.bench.httpExecutor", "virtual")) {
            case "default" -> { }
            case "direct" -> builder.executor(Runnable::run);
            default -> builder.executor(Executors.newVirtualThreadPerTaskExecutor());
        }
        HttpClient client = builder.build();
        AnthropicConfig config = AnthropicConfig.builder("bench-key-not-a-secret")
                .baseUrl(baseUrl)
                .defaultModel(MODEL)
                // A load test counts failures; retries would hide them (and stretch the timings).
                .retryPolicy(RetryPolicy.NONE)
                .httpClient(client)
                .build();
        return new Endpoint(new AnthropicProvider(config), client);
    }
}
