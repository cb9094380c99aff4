package dev.picrust.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code picrust mcp ...}. This class and the run path only look for config files; everything that
 * touches the MCP SDK is in {@link McpCli}, which the JVM loads only when a server is configured
 * (picocli builds every command class at start-up, so no MCP type may appear here).
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "MCP: list the configured servers and their tools, or serve an agent as an MCP tool.",
        subcommands = {McpCommand.ListServers.class, McpCommand.Serve.class, McpCommand.Conformance.class})
public final class McpCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
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

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Connect to each configured MCP server and print its status and tools.")
    static final class ListServers implements Callable<Integer> {
        @Option(names = "--mcp-config", paramLabel = "FILE",
                description = "An .mcp.json file to read after the PiCrust home's and the project's (repeatable).")
        List<Path> mcpConfig = new ArrayList<>();

        @Option(names = "--cwd", description = "Project folder whose .mcp.json applies (default: the current one).")
        Path cwd;

        @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for each server (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            Path wd = Optional.ofNullable(cwd).orElse(Path.of("")).toAbsolutePath().normalize();
            List<Path> files = configFiles(wd, mcpConfig);
            PrintStream out = System.out;
            if (files.isEmpty()) {
                out.println("No MCP servers configured (no .mcp.json in " + wd + " or "
                        + dev.picrust.session.SessionStore.home() + ", and no --mcp-config).");
                return 0;
            }
            return McpCli.list(files, timeoutSeconds, out);
        }
    }

    @Command(name = "conformance-client", mixinStandardHelpOptions = true,
            description = "Act as the client of one scenario of the official MCP conformance suite; the scenario "
                    + "is read from $MCP_CONFORMANCE_SCENARIO.")
    static final class Conformance implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "URL", description = "The suite's mock server.")
        String url;

        @Override
        public Integer call() {
            String scenario = Optional.ofNullable(System.getenv("MCP_CONFORMANCE_SCENARIO")).orElse("tools_call");
            return ConformanceClient.run(url, scenario, System.out, System.err);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Serve an agent type as an MCP tool (\"delegate a task to this employee\"), over stdio "
                    + "(default) or Streamable HTTP on 127.0.0.1 with a bearer token.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--http", description = "Serve Streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio.")
        boolean http;

        @Option(names = "--port", defaultValue = "0", description = "HTTP port (default: any free one; printed on stderr).")
        int port;

        @Option(names = "--token-env", defaultValue = "PICRUST_MCP_TOKEN",
                description = "Environment variable holding the bearer token HTTP clients must send (default: ${DEFAULT-VALUE}).")
        String tokenEnv;

        @Option(names = "--insecure-no-token", description = "HTTP without a bearer token: any local process may use "
                + "the agent. Only for test suites that cannot send headers.")
        boolean noToken;

        @Option(names = "--agent-type", defaultValue = "assistant", description = "The agent type, also the tool's name (default: ${DEFAULT-VALUE}).")
        String agentType;

        @Option(names = "--description", description = "What the tool tells MCP hosts about the agent.")
        String description;

        @Option(names = "--provider", description = "LLM provider: anthropic, openai, gemini or one from models.json "
                + "(default: the one --model belongs to, else anthropic).")
        String provider;

        @Option(names = "--model", description = "Model name (default: the provider's default).")
        String model;

        @Option(names = "--base-url", description = "Provider base URL (default: $ANTHROPIC_BASE_URL or the public API).")
        String baseUrl;

        @Option(names = "--system", description = "The agent's system prompt.")
        String system;

        @Option(names = "--cwd", description = "Working directory of the agent's tools (default: the current one).")
        Path cwd;

        @Option(names = "--sessions-dir", description = "Sessions folder (default: $PICRUST_HOME/sessions or ~/.picrust/sessions).")
        Path sessionsDir;

        @Option(names = "--allow", paramLabel = "RULE", description = "Allow rule for the agent's tools (repeatable); "
                + "nobody answers permission requests, so what no rule allows is denied.")
        List<String> allow = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
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
