package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the common {@code .mcp.json} shape:
 * <pre>{@code
 * {"mcpServers": {
 *    "files":  {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "."],
 *               "env": {"TOKEN": "${MY_TOKEN}"}, "cwd": "/srv"},
 *    "remote": {"type": "http", "url": "https://example.com/mcp",
 *               "headers": {"Authorization": "Bearer ${REMOTE_TOKEN}"}}}}
 * }</pre>
 * {@code ${VAR}} (and {@code ${VAR:-default}}) in {@code env} values, {@code headers} values,
 * {@code url}, {@code command}, {@code args} and {@code cwd} is replaced from the environment; an
 * unset variable without a default is an error naming the server and the variable. A relative
 * {@code cwd} resolves against the file's folder. Unknown fields are ignored ({@code type}
 * {@code "stdio"} is accepted, {@code "sse"} is refused with a clear message).
 */
public final class McpConfigFile {
    /** The file name looked for in the project folder and in the PiCrust home. */
    public static final String FILE_NAME = ".mcp.json";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private McpConfigFile() {
    }

    /** Parses one file; a missing file is an error. */
    public static List<McpServerConfig> read(Path file, Function<String, Optional<String>> environment)
            throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IOException("MCP config file not found: " + file, e);
        }
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("MCP config " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return parse(root, file.toAbsolutePath().getParent(), environment);
        } catch (IllegalArgumentException e) {
            throw new IOException("MCP config " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The servers of {@code $home/.mcp.json} and then {@code $project/.mcp.json} (either may be
     * missing); a project server replaces a home server of the same name.
     */
    public static List<McpServerConfig> discover(Path projectDirectory, Path picrustHome,
                                                 Function<String, Optional<String>> environment) throws IOException {
        Map<String, McpServerConfig> byName = new LinkedHashMap<>();
        for (Path file : List.of(picrustHome.resolve(FILE_NAME), projectDirectory.resolve(FILE_NAME))) {
            if (Files.isRegularFile(file)) {
                read(file, environment).forEach(s -> byName.put(s.name(), s));
            }
        }
        return List.copyOf(byName.values());
    }

    /** The process environment as a lookup, for {@link #read} and {@link #discover}. */
    public static Function<String, Optional<String>> systemEnvironment() {
        return name -> Optional.ofNullable(System.getenv(name));
    }

    static List<McpServerConfig> parse(JsonNode root, Path baseDirectory, Function<String, Optional<String>> env) {
        JsonNode servers = root.path("mcpServers");
        if (!servers.isObject()) {
            throw new IllegalArgumentException("expected an object \"mcpServers\" at the top level");
        }
        List<McpServerConfig> result = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : servers.properties()) {
            result.add(server(entry.getKey(), entry.getValue(), baseDirectory, env));
        }
        return result;
    }

    private static McpServerConfig server(String name, JsonNode node, Path base, Function<String, Optional<String>> env) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("server '" + name + "' must be an object");
        }
        String type = node.path("type").asText(node.has("url") && !node.has("command") ? "http" : "stdio");
        return switch (type) {
            case "stdio" -> {
                String command = expand(name, text(name, node, "command"), env);
                List<String> args = new ArrayList<>();
                for (JsonNode a : array(name, node, "args")) {
                    args.add(expand(name, a.asText(), env));
                }
                Optional<Path> cwd = node.hasNonNull("cwd")
                        ? Optional.of(base.resolve(expand(name, node.get("cwd").asText(), env)).normalize())
                        : Optional.empty();
                yield new McpServerConfig.Stdio(name, command, args, strings(name, node, "env", env), cwd);
            }
            case "http", "streamable-http", "streamableHttp" -> new McpServerConfig.Http(name,
                    URI.create(expand(name, text(name, node, "url"), env)), strings(name, node, "headers", env));
            case "sse" -> throw new IllegalArgumentException("server '" + name + "': the legacy HTTP+SSE transport "
                    + "(type \"sse\") is not supported; use \"http\" (Streamable HTTP)");
            default -> throw new IllegalArgumentException("server '" + name + "': unknown type \"" + type
                    + "\" (expected \"stdio\" or \"http\")");
        };
    }

    private static String text(String server, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("server '" + server + "': \"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static Iterable<JsonNode> array(String server, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("server '" + server + "': \"" + field + "\" must be an array of strings");
        }
        return v;
    }

    private static Map<String, String> strings(String server, JsonNode node, String field,
                                               Function<String, Optional<String>> env) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("server '" + server + "': \"" + field + "\" must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            out.put(e.getKey(), expand(server, e.getValue().asText(), env));
        }
        return out;
    }

    /** Replaces {@code ${VAR}} and {@code ${VAR:-default}}; an unset variable without default is an error. */
    static String expand(String server, String value, Function<String, Optional<String>> env) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Optional<String> fallback = Optional.ofNullable(m.group(2));
            String replacement = env.apply(name).filter(s -> !s.isEmpty()).or(() -> fallback)
                    .orElseThrow(() -> new IllegalArgumentException("server '" + server + "': environment variable "
                            + name + " is not set (referenced as ${" + name + "})"));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
