package dev.picrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.mcp.McpServerConfig;
import dev.picrust.mcp.McpServerStatus;
import dev.picrust.mcp.McpToolProvider;
import dev.picrust.event.OutputChunk;
import dev.picrust.session.SessionState;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.UserQuestions;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The client side of the official MCP conformance suite ({@code @modelcontextprotocol/conformance}):
 * connects to the suite's mock server with PiCrust's own MCP client ({@link McpToolProvider}) and
 * acts out the scenario named by {@code MCP_CONFORMANCE_SCENARIO}. Every scenario but
 * {@code initialize} calls each tool the server lists, with arguments made from its schema; a
 * server's elicitation is answered by accepting with the schema's defaults (SEP-1034), as a human
 * who answers nothing would through the agent's handle.
 */
final class ConformanceClient {

    private ConformanceClient() {
    }

    static int run(String url, String scenario, PrintStream out, PrintStream err) {
        McpServerConfig.Http server = new McpServerConfig.Http("conformance", URI.create(url), Map.of());
        try (McpToolProvider mcp = McpToolProvider.builder().server(server).connectTimeout(Duration.ofSeconds(20))
                .callTimeout(Duration.ofSeconds(20)).backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)).build()) {
            McpServerStatus status = mcp.status().get("conformance");
            out.println("scenario " + scenario + ": " + status.describe());
            if (!(status instanceof McpServerStatus.Connected)) {
                return 1;
            }
            if (scenario.equals("initialize")) {
                return 0;
            }
            int failures = 0;
            for (Tool tool : mcp.tools()) {
                ToolResult result;
                try {
                    result = tool.execute(arguments(tool.inputSchema()), new StandaloneContext(tool.name()));
                } catch (Exception e) {
                    err.println(tool.name() + " failed: " + e);
                    failures++;
                    continue;
                }
                out.println(tool.name() + (result.isError() ? " -> error: " : " -> ") + result.text());
            }
            return failures == 0 ? 0 : 1;
        }
    }

    /** Arguments for a call: each property's default, else a plain value of its type. */
    static ObjectNode arguments(JsonNode schema) {
        ObjectNode args = Json.object();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            JsonNode field = p.getValue();
            if (field.has("default")) {
                args.set(p.getKey(), field.get("default"));
                continue;
            }
            switch (field.path("type").asText("string")) {
                case "number", "integer" -> args.put(p.getKey(), 1);
                case "boolean" -> args.put(p.getKey(), true);
                case "array" -> args.putArray(p.getKey());
                case "object" -> args.putObject(p.getKey());
                default -> args.put(p.getKey(), field.path("enum").path(0).asText("test"));
            }
        }
        return args;
    }

    /** A tool context outside any agent: questions are answered blank (so defaults apply). */
    private record StandaloneContext(String toolName, Map<Class<?>, Object> resources, Map<String, JsonNode> state)
            implements ToolContext {
        StandaloneContext(String toolName) {
            this(toolName, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }

        @Override
        public String sessionId() {
            return "conformance";
        }

        @Override
        public String toolUseId() {
            return "conformance-" + toolName;
        }

        @Override
        public Path workingDirectory() {
            return Path.of("").toAbsolutePath();
        }

        @Override
        public Path resolvePath(String path) throws ToolException {
            return workingDirectory().resolve(path);
        }

        @Override
        public Cancellation cancellation() {
            return Cancellation.none();
        }

        @Override
        public void emit(OutputChunk chunk) {
            // no subscribers
        }

        @Override
        public SessionState sessionState() {
            return new SessionState() {
                @Override
                public Optional<JsonNode> get(String key) {
                    return Optional.ofNullable(state.get(key));
                }

                @Override
                public void put(String key, JsonNode value) {
                    state.put(key, value);
                }

                @Override
                public void remove(String key) {
                    state.remove(key);
                }
            };
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T agentResource(Class<T> type, Supplier<T> factory) {
            return (T) resources.computeIfAbsent(type, t -> factory.get());
        }

        @Override
        public UserQuestions userQuestions() {
            return new UserQuestions() {
                @Override
                public boolean canAsk() {
                    return true;
                }

                @Override
                public Map<String, String> ask(JsonNode questions) {
                    Map<String, String> blank = new LinkedHashMap<>();
                    questions.forEach(q -> blank.put(q.path("question").asText(), ""));
                    return blank;
                }
            };
        }
    }
}
