package dev.picrust.cli;

import dev.picrust.cli.args.Command;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.picrust.cli.args.Parameter.flag;
import static dev.picrust.cli.args.Parameter.positional;
import static dev.picrust.cli.args.Parameter.repeated;
import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.INT;
import static dev.picrust.cli.args.ValueType.PATH;
import static dev.picrust.cli.args.ValueType.STRING;

/**
 * {@code picrust mcp ...}. This class and the run path only look for config files; everything that
 * touches the MCP SDK is in {@link McpCli}, which the JVM loads only when a server is configured
 * (the run path calls {@link #configFiles}, so no MCP type may appear here).
 */
public final class McpCommand {
    private McpCommand() {}

    static Command declare() {
        return Command.named("mcp", "MCP: list the configured servers and their tools, or serve an agent as an MCP tool.")
                .subcommand("list", () -> new ListServers().declare())
                .subcommand("serve", () -> new Serve().declare())
                .subcommand("conformance-client", () -> new Conformance().declare())
                .build();
    }

    /**
     * The {@code .mcp.json} files that apply, in the order they are read (later ones replace servers
     * of the same name): the PiCrust home's, the project's (working directory), then the explicit
     * ones. An explicit file that does not exist is an error.
     */
    static List<Path> configFiles(Path workingDirectory, List<Path> explicit) {
        List<Path> files = new ArrayList<>();
        for (Path candidate : List.of(dev.picrust.session.SessionStore.home().resolve(".mcp.json"),
                workingDirectory.resolve(".mcp.json"))) {
            if (Files.isRegularFile(candidate)) {
                files.add(candidate);
            }
        }
        for (Path file : explicit) {
            if (!Files.isRegularFile(file)) {
                throw new CliException("--mcp-config " + file + ": no such file");
            }
            files.add(file);
        }
        return files;
    }

    static final class ListServers {
        Command declare() {
            return Command.named("list", "Connect to each configured MCP server and print its status and tools.")
                    .with(repeated("--mcp-config", PATH, "An .mcp.json file to read after the PiCrust home's and the "
                            + "project's (repeatable).", v -> mcpConfig.add(v)).label("FILE"))
                    .with(single("--cwd", PATH, "Project folder whose .mcp.json applies (default: the current one).",
                            v -> cwd = v))
                    .with(single("--timeout", INT, "Seconds to wait for each server (default: ${DEFAULT-VALUE}).",
                            v -> timeoutSeconds = v).label("SECONDS").defaultValue("30"))
                    .action(parsed -> call())
                    .build();
        }

        List<Path> mcpConfig = new ArrayList<>();
        Path cwd;
        int timeoutSeconds;

        int call() {
            Path wd = Optional.ofNullable(cwd).orElse(Path.of("")).toAbsolutePath().normalize();
            List<Path> files = configFiles(wd, mcpConfig);
            PrintStream out = System.out;
            if (files.isEmpty()) {
                out.println("No MCP servers configured (no .mcp.json in " + wd + " or "
                        + dev.picrust.session.SessionStore.home() + ", and no --mcp-config).");
                return 0;
            }
            return McpCli.list(files, Settings.load(dev.picrust.session.SessionStore.home(), wd).env(), timeoutSeconds, out);
        }
    }

    static final class Conformance {
        Command declare() {
            return Command.named("conformance-client", "Act as the client of one scenario of the official MCP "
                            + "conformance suite; the scenario is read from $MCP_CONFORMANCE_SCENARIO.")
                    .with(positional("URL", STRING, "The suite's mock server.", v -> url = v))
                    .action(parsed -> call())
                    .build();
        }

        String url;

        int call() {
            String scenario = Optional.ofNullable(System.getenv("MCP_CONFORMANCE_SCENARIO")).orElse("tools_call");
            return ConformanceClient.run(url, scenario, System.out, System.err);
        }
    }

    static final class Serve {
        Command declare() {
            return Command.named("serve", "Serve an agent type as an MCP tool (\"delegate a task to this employee\"), "
                            + "over stdio (default) or Streamable HTTP on 127.0.0.1 with a bearer token.")
                    .with(flag("--http", "Serve Streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio.",
                            () -> http = true))
                    .with(single("--port", INT, "HTTP port (default: any free one; printed on stderr).", v -> port = v)
                            .defaultValue("0"))
                    .with(single("--token-env", STRING, "Environment variable holding the bearer token HTTP clients must "
                            + "send (default: ${DEFAULT-VALUE}).", v -> tokenEnv = v).defaultValue("PICRUST_MCP_TOKEN"))
                    .with(flag("--insecure-no-token", "HTTP without a bearer token: any local process may use "
                            + "the agent. Only for test suites that cannot send headers.", () -> noToken = true))
                    .with(single("--agent-type", STRING, "The agent type, also the tool's name (default: ${DEFAULT-VALUE}).",
                            v -> agentType = v).defaultValue("assistant"))
                    .with(single("--description", STRING, "What the tool tells MCP hosts about the agent.",
                            v -> description = v))
                    .with(single("--provider", STRING, "LLM provider: anthropic, openai, gemini or one from models.json "
                            + "(default: the one --model belongs to, else anthropic).", v -> provider = v))
                    .with(single("--model", STRING, "Model name (default: the provider's default).", v -> model = v))
                    .with(single("--base-url", STRING, "Provider base URL (default: $ANTHROPIC_BASE_URL or the public API).",
                            v -> baseUrl = v))
                    .with(single("--system", STRING, "The agent's system prompt.", v -> system = v))
                    .with(single("--cwd", PATH, "Working directory of the agent's tools (default: the current one).",
                            v -> cwd = v))
                    .with(single("--sessions-dir", PATH, "Sessions folder (default: $PICRUST_HOME/sessions or "
                            + "~/.picrust/sessions).", v -> sessionsDir = v))
                    .with(repeated("--allow", STRING, "Allow rule for the agent's tools (repeatable); "
                            + "nobody answers permission requests, so what no rule allows is denied.", v -> allow.add(v))
                            .label("RULE"))
                    .action(parsed -> call())
                    .build();
        }

        boolean http;
        int port;
        String tokenEnv;
        boolean noToken;
        String agentType;
        String description;
        String provider;
        String model;
        String baseUrl;
        String system;
        Path cwd;
        Path sessionsDir;
        List<String> allow = new ArrayList<>();

        int call() throws Exception {
            Path wd = Optional.ofNullable(cwd).orElse(Path.of("")).toAbsolutePath().normalize();
            Optional<String> token = Optional.empty();
            if (http && noToken) {
                System.err.println("picrust: warning: serving without a bearer token; any local process can use this agent");
            } else if (http) {
                token = Optional.ofNullable(System.getenv(tokenEnv)).filter(t -> !t.isBlank());
                if (token.isEmpty()) {
                    throw new CliException("--http needs a bearer token in $" + tokenEnv + " (16 characters or more)");
                }
            }
            ProviderFactory.Selection selection = ProviderFactory.select(ProviderFactory.catalog(wd),
                    Optional.ofNullable(provider), Optional.ofNullable(model), Optional.ofNullable(baseUrl), System.getenv(),
                    Settings.load(dev.picrust.session.SessionStore.home(), wd).http());
            return McpCli.serve(new McpCli.ServeSettings(agentType, Optional.ofNullable(description),
                    selection.provider(), Optional.of(selection.model()), Optional.ofNullable(system), wd, Optional.ofNullable(sessionsDir),
                    List.copyOf(allow), http ? java.util.OptionalInt.of(port) : java.util.OptionalInt.empty(), token));
        }
    }
}
