package dev.picrust.mcp;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** How to reach one MCP server: a process spoken to over stdio, or a Streamable HTTP endpoint. */
public sealed interface McpServerConfig {

    /** The server's name as configured; tools are offered as {@code mcp__<name>__<tool>}. */
    String name();

    /**
     * A server process. It gets a minimal environment ({@code PATH}, {@code HOME}, {@code USER},
     * {@code LOGNAME}, {@code SHELL}, {@code TERM}, {@code TMPDIR}, locale) plus {@code env}, never the
     * whole environment of this JVM, so secrets of the agent do not leak into servers.
     */
    record Stdio(String name, String command, List<String> args, Map<String, String> env, Optional<Path> cwd)
            implements McpServerConfig {
        public Stdio {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(command, "command");
            args = List.copyOf(args);
            env = Map.copyOf(env);
            Objects.requireNonNull(cwd, "cwd");
        }

        public static Stdio of(String name, String command, String... args) {
            return new Stdio(name, command, List.of(args), Map.of(), Optional.empty());
        }

        public Stdio withEnv(Map<String, String> more) {
            java.util.Map<String, String> all = new java.util.LinkedHashMap<>(env);
            all.putAll(more);
            return new Stdio(name, command, args, all, cwd);
        }

        public Stdio withCwd(Path directory) {
            return new Stdio(name, command, args, env, Optional.of(directory));
        }
    }

    /** A Streamable HTTP endpoint; {@code headers} go on every request (authentication, for example). */
    record Http(String name, URI url, Map<String, String> headers) implements McpServerConfig {
        public Http {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("MCP server '" + name + "': url must be http or https: " + url);
            }
        }

        public static Http of(String name, String url) {
            return new Http(name, URI.create(url), Map.of());
        }
    }
}
