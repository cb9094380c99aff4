package dev.picrust.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Small tools for runtime tests. */
final class TestTools {
    private TestTools() {}

    static final long WAIT_SECONDS = 20;

    /** Read-only, concurrency-safe: returns {@code echo:<v>}. */
    static Tool echo() {
        return new Simple("Echo", true) {
            public ToolResult execute(JsonNode input, ToolContext ctx) {
                return ToolResult.text("echo:" + input.path("v").asText());
            }
        };
    }

    /** Not read-only, not concurrency-safe: returns {@code mutated}. */
    static Tool mutate() {
        return new Simple("Mutate", false) {
            public ToolResult execute(JsonNode input, ToolContext ctx) {
                return ToolResult.text("mutated");
            }
        };
    }

    /** Signals {@code started}, then blocks until the turn is cancelled (and says so) or {@code release} completes. */
    static Tool block(CountDownLatch started, CompletableFuture<Void> release) {
        return new Simple("Block", true) {
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                CompletableFuture<String> wake = new CompletableFuture<>();
                release.thenRun(() -> wake.complete("released"));
                try (var r = ctx.cancellation().onCancel(() -> wake.complete("cancelled"))) {
                    started.countDown();
                    String why = wake.get(WAIT_SECONDS, TimeUnit.SECONDS);
                    ctx.cancellation().throwIfCancelled();
                    return ToolResult.text(why);
                }
            }
        };
    }

    /** Blocks until the turn is cancelled. */
    static Tool block(CountDownLatch started) {
        return block(started, new CompletableFuture<>());
    }

    /** Blocks until {@code release} opens, ignoring cancellation (a badly behaved tool). */
    static Tool stubborn(CountDownLatch started, CountDownLatch release) {
        return new Simple("Stubborn", false) {
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                started.countDown();
                if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    return ToolResult.error("never released");
                }
                return ToolResult.text("finally done");
            }
        };
    }

    /** Asks the user the question in {@code q} and returns the answers. */
    static Tool ask() {
        return new Simple("Ask", false) {
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                Map<String, String> answers = ctx.userQuestions().ask(Json.array().add(Json.object()
                        .put("question", input.path("q").asText("?"))));
                return ToolResult.text("answers:" + new TreeMap<>(answers));
            }
        };
    }

    abstract static class Simple implements Tool {
        private final String name;
        private final boolean readOnly;

        Simple(String name, boolean readOnly) {
            this.name = name;
            this.readOnly = readOnly;
        }

        public String name() { return name; }
        public String description() { return name + " (test tool)"; }
        public JsonNode inputSchema() { return Json.object().put("type", "object"); }
        public boolean readOnly() { return readOnly; }
    }
}
