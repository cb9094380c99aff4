package dev.picrust.bench.load;

import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The real Anthropic provider pointed at the mock server. One provider — and so one transport with
 * one connection pool — is shared by every agent: providers keep no state between calls.
 *
 * <p>The transport is the provider's default, its own HTTP/1.1 client; {@code -Dpicrust.bench.http=jdk}
 * measures the JDK {@link HttpClient} instead (HTTP/1.1, its tasks on virtual threads, 2 KiB read
 * buffers), which is how this benchmark ran before the own transport existed.
 */
final class HttpModel {
    static final String MODEL = "mock-tool-loop";

    private HttpModel() {}

    /** The provider and what to close with the endpoint, so no pooled connection outlives it. */
    record Endpoint(LlmProvider provider, AutoCloseable transport) {}

    static Endpoint provider(String baseUrl) {
        AnthropicConfig.Builder config = AnthropicConfig.builder("bench-key-not-a-secret")
                .baseUrl(baseUrl)
                .defaultModel(MODEL);
        // A load test counts failures; retries would hide them (and stretch the timings). Ten thousand
        // connects at once may queue, so the connect and first-byte limits are generous.
        HttpSettings http = HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)
                .withConnectTimeout(Duration.ofSeconds(30)).withFirstByteTimeout(Duration.ofMinutes(2));
        if (System.getProperty("picrust.bench.http", "picrust").equals("jdk")) {
            HttpClient client = jdkClient();
            return new Endpoint(new AnthropicProvider(config.http(http.withHttpClient(client)).build()), client::shutdownNow);
        }
        AnthropicProvider provider = new AnthropicProvider(config.http(http).build());
        return new Endpoint(provider, provider);
    }

    private static HttpClient jdkClient() {
        // Each pooled connection keeps a read buffer of this size (16 KiB by default); SSE events are a
        // few hundred bytes, and ten thousand idle keep-alive connections then hold 160 MiB for nothing.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", "2048");
        }
        // The mock speaks HTTP/1.1 (no h2c upgrade attempt); the client's own tasks run on virtual
        // threads: the default cached pool of platform threads grew to hundreds and cost more CPU.
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }
}
