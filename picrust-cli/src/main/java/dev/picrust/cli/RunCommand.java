package dev.picrust.cli;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Budget;
import dev.picrust.agent.Permissions;
import dev.picrust.agent.context.WorkspacePrompt;
import dev.picrust.cli.args.Command;
import dev.picrust.cli.args.Invocation;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.event.UsageTotals;
import dev.picrust.hook.HookRegistry;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.llm.catalog.ModelChoice;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionSettings;
import dev.picrust.permission.RuleStore;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.sandbox.BubblewrapSandbox;
import dev.picrust.sandbox.SandboxMode;
import dev.picrust.sandbox.SandboxSettings;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.session.SessionException;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import static dev.picrust.cli.args.Parameter.flag;
import static dev.picrust.cli.args.Parameter.positionals;
import static dev.picrust.cli.args.Parameter.repeated;
import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.DOUBLE;
import static dev.picrust.cli.args.ValueType.INT;
import static dev.picrust.cli.args.ValueType.LONG;
import static dev.picrust.cli.args.ValueType.PATH;
import static dev.picrust.cli.args.ValueType.STRING;

class RunCommand {
    private static final int DEFAULT_MAX_TOKENS = 8192;

    /** The provider's name in the model catalog (what a resume selects again), set by the last model chosen. */
    String launchProvider;

    // What the command line gave, bound by the declarations in declare().
    List<String> prompt = new ArrayList<>();
    String provider;
    String model;
    String baseUrl;
    Path sessionsDir;
    String sessionId;
    String resume;
    boolean continueLatest;
    Path cwd;
    int maxIterations;
    Integer maxTokens;
    Double maxCost;
    Long maxTotalTokens;
    Long maxCalls;
    boolean noStream;
    Double connectTimeout;
    Double firstByteTimeout;
    Double idleTimeout;
    Double attemptTimeout;

    /** The provider deadlines the settings files and flags resolved to (set by {@link #agentConfig}). */
    HttpSettings http = HttpSettings.DEFAULTS;

    /** The CLI agent's role; the environment and the project's AGENTS.md / PICRUST.md follow it. */
    static final String ROLE = "You are PiCrust, an AI employee working on the user's machine through tools. "
            + "Read before you change anything, work in small steps you can check, run the project's tests when "
            + "there are any, and finish by saying what you did and what is left. Ask when a decision is the user's.";

    String system;
    List<String> allow = new ArrayList<>();
    List<String> ask = new ArrayList<>();
    List<String> deny = new ArrayList<>();
    String permissionMode;
    boolean skipPermissions;
    List<Path> mcpConfig = new ArrayList<>();
    String output;
    boolean interactive;
    String sandbox;
    boolean noNetwork;
    List<Path> sandboxWritable = new ArrayList<>();
    List<String> passEnv = new ArrayList<>();
    boolean verbose;
    boolean debug;

    /** The session whose debug/ folder --debug writes to: the one this command runs now. */
    volatile Optional<String> loggedSession = Optional.empty();

    /** Where a human's answers come from; empty when nobody answers (a headless run). */
    Optional<BufferedReader> answers = Optional.empty();

    /** {@code picrust run}: its options, bound to this object's fields, and {@link #call} as its action. */
    Command declare() {
        return declare(Command.named("run", "Run one turn of an agent headlessly and stream its answer."));
    }

    /** The options of {@code run}, which {@code chat} shares, on {@code command}. */
    final Command declare(Command.Builder command) {
        return command
                .with(positionals("PROMPT", STRING, "The task; several words are joined with spaces. "
                    + "'-' (or no prompt with input piped in) reads it from standard input. "
                    + "May be omitted with --resume to continue an unfinished turn.", v -> prompt.add(v)))
                .with(single("--provider", STRING, "anthropic, openai, gemini, or a provider from models.json "
                    + "(default: the one --model belongs to, else anthropic). Keys: ANTHROPIC_API_KEY, OPENAI_API_KEY, "
                    + "GEMINI_API_KEY.", v -> provider = v))
                .with(single("--model", STRING, "Model: a name, or provider/model from models.json such as local/qwen3 "
                    + "(default: the provider's first listed model). See `picrust models`.", v -> model = v))
                .with(single("--base-url", STRING, "Provider base URL (default: $ANTHROPIC_BASE_URL, $OPENAI_BASE_URL "
                    + "(includes /v1), $GEMINI_BASE_URL, models.json, or the public API).", v -> baseUrl = v))
                .with(single("--sessions-dir", PATH, "Sessions folder (default: $PICRUST_HOME/sessions or ~/.picrust/sessions).", v -> sessionsDir = v))
                .with(single("--session-id", STRING, "Id for the new session (default: random).", v -> sessionId = v))
                .with(single("--resume", STRING, "Continue an existing session with the folder, "
                    + "provider, model, role, permission mode, rules and limits it was started with (options given again "
                    + "override them).", v -> resume = v).label("ID"))
                .with(flag("-c, --continue", "Continue the latest session started in this folder.", () -> continueLatest = true))
                .with(single("--cwd", PATH, "Working directory of the agent's tools (default: the current one).", v -> cwd = v))
                .with(single("--max-iterations", INT, "Model calls allowed in this turn (default: ${DEFAULT-VALUE}).", v -> maxIterations = v).defaultValue("50"))
                .with(single("--max-tokens", INT, "max_tokens per model call (default: the model's maxTokens from "
                    + "models.json, at most 8192).", v -> maxTokens = v))
                .with(single("--max-cost", DOUBLE, "Stop before the next model call once the "
                    + "session and its subagents cost this many dollars (priced from models.json or the built-in prices).", v -> maxCost = v).label("USD"))
                .with(single("--max-total-tokens", LONG, "Stop before the next model call once "
                    + "the session and its subagents used this many tokens (input, cache and output).", v -> maxTotalTokens = v).label("N"))
                .with(single("--max-calls", LONG, "Stop before the next model call once the "
                    + "session and its subagents made this many model calls.", v -> maxCalls = v).label("N"))
                .with(flag("--no-stream", "Use non-streaming model calls.", () -> noStream = true))
                .with(single("--connect-timeout", DOUBLE, "Provider connect limit per attempt "
                    + "(default: settings' timeouts.connect, else 10).", v -> connectTimeout = v).label("SECONDS"))
                .with(single("--first-byte-timeout", DOUBLE, "How long a streamed answer may take "
                    + "to start, per attempt (default: settings' timeouts.firstByte, else 30).", v -> firstByteTimeout = v).label("SECONDS"))
                .with(single("--idle-timeout", DOUBLE, "How long a stream may bring no content; "
                    + "keep-alive pings do not count (default: settings' timeouts.idle, else 120).", v -> idleTimeout = v).label("SECONDS"))
                .with(single("--attempt-timeout", DOUBLE, "Overall deadline of one provider "
                    + "attempt, connect to last byte (default: settings' timeouts.attempt, else 600).", v -> attemptTimeout = v).label("SECONDS"))
                .with(single("--system", STRING, "The agent's role, replacing the default one; the environment "
                    + "(date, folder, platform, git) and the project's AGENTS.md / PICRUST.md files are always added.", v -> system = v))
                .with(repeated("--allow", STRING, "Allow rule, e.g. Bash, 'Bash(git:*)', 'Edit(src/**)' "
                    + "(repeatable). Read-only tools are allowed by default; in a headless run anything no rule allows is "
                    + "refused with a tool error.", v -> allow.add(v)).label("RULE"))
                .with(repeated("--ask", STRING, "Ask rule (repeatable): a human must approve.", v -> ask.add(v)).label("RULE"))
                .with(repeated("--deny", STRING, "Deny rule (repeatable); wins over every allow.", v -> deny.add(v)).label("RULE"))
                .with(single("--permission-mode", STRING, "default, acceptEdits, plan (read-only tools only) or bypassPermissions.", v -> permissionMode = v).label("MODE"))
                .with(flag("--dangerously-skip-permissions", "Same as --permission-mode bypassPermissions "
                    + "(deny rules and hooks still apply).", () -> skipPermissions = true))
                .with(repeated("--mcp-config", PATH, "An .mcp.json file of MCP servers whose tools "
                    + "the agent gets, read after the PiCrust home's and the project's (repeatable).", v -> mcpConfig.add(v)).label("FILE"))
                .with(single("--output", STRING, "text or jsonl (one JSON output chunk per line).", v -> output = v).defaultValue("text"))
                .with(flag("--interactive", "Answer permission requests and questions from stdin, one line "
                    + "each, with prompts on stderr (automatic when stdin is a terminal). Without it, and without a "
                    + "terminal, calls no rule allows are denied.", () -> interactive = true))
                .with(single("--sandbox", STRING, "auto (default: Bash of headless runs in a "
                    + "bubblewrap sandbox where it works), on (always; Bash is refused if the sandbox cannot run) or off.", v -> sandbox = v).label("MODE"))
                .with(flag("--no-network", "Cut sandboxed shell commands off every network, loopback included.", () -> noNetwork = true))
                .with(repeated("--sandbox-writable", PATH, "A folder sandboxed commands may write "
                    + "besides the working directory and their private /tmp (repeatable).", v -> sandboxWritable.add(v)).label("DIR"))
                .with(repeated("--pass-env", STRING, "Let tools' processes inherit this environment "
                    + "variable although it looks like a credential (repeatable); by default every key and token is removed.", v -> passEnv.add(v)).label("NAME"))
                .with(flag("--verbose", "Print one line per model request to stderr: provider, method, URL, "
                    + "status, time and tokens (keys redacted).", () -> verbose = true))
                .with(flag("--debug", "As --verbose, plus each request and raw response, redacted, on stderr "
                    + "and as files in the session's debug/ folder.", () -> debug = true))
                .action(parsed -> {
                    invocation = Optional.of(parsed);
                    return call();
                })
                .build();
    }

    /** The parsed command line that started this command (empty when a test or the demo builds one in code). */
    private Optional<Invocation> invocation = Optional.empty();

    Integer call() throws Exception {
        ChunkPrinter.OutputFormat format = switch (output.toLowerCase()) {
            case "text" -> ChunkPrinter.OutputFormat.TEXT;
            case "jsonl", "json" -> ChunkPrinter.OutputFormat.JSONL;
            default -> throw new CliException("unknown --output '" + output + "' (use text or jsonl)");
        };
        boolean terminal = TerminalApprover.stdinIsTerminal();
        SandboxMode flagged = Optional.ofNullable(sandbox).flatMap(SandboxMode::parse).orElse(SandboxMode.AUTO);
        if (flagged.confines(!(interactive || terminal))) {
            // Bash will likely run sandboxed (the settings files may still say otherwise): probe bubblewrap
            // (a process, ~30 ms) while the agent is set up.
            Thread.ofPlatform().daemon().name("picrust-sandbox-probe").start(BubblewrapSandbox::availability);
        }
        resolveSession();
        String text = promptText(terminal);
        if (text.isEmpty() && resume == null) {
            throw new CliException("no prompt given (usage: picrust run [options] PROMPT, or pipe it to standard input)");
        }
        if (interactive || terminal) {
            answers = Optional.of(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        }
        AgentConfig config = agentConfig(answers.isPresent());
        sandboxNotice(config).ifPresent(System.err::println);
        logRequests(System.err);
        try (ToolRegistry tools = config.tools()) {  // closing the registry stops any MCP servers
            return runTurn(store(), config, text, format, System.out, System.err);
        }
    }

    /**
     * With {@code --verbose} or {@code --debug}, every provider request of this process is logged to
     * {@code err} (and with --debug written to the running session's debug/ folder), redacted. The log's
     * classes load only then.
     */
    void logRequests(PrintStream err) {
        if (verbose || debug) {
            dev.picrust.llm.wire.HttpRetryLoop.record(new dev.picrust.llm.wire.WireLog(Optional.of(err), debug,
                    () -> loggedSession.map(id -> Path.of(store().location(id)).resolve("debug"))));
        }
    }

    /** The prompt words, or standard input when the prompt is {@code -} or absent with input piped in. */
    private String promptText(boolean stdinIsTerminal) throws java.io.IOException {
        boolean fromStdin = prompt.equals(List.of("-")) || (prompt.isEmpty() && resume == null && !stdinIsTerminal);
        if (!fromStdin) {
            return String.join(" ", prompt).strip();
        }
        if (interactive) {
            throw new CliException("--interactive answers come from standard input, so the prompt cannot: give it as an argument");
        }
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    /**
     * Settles which session this run is on: {@code --continue} picks the latest one started in this folder,
     * and a resumed session's stored launch fills in every option not given again (and says so).
     */
    void resolveSession() {
        if (continueLatest) {
            if (resume != null) {
                throw new CliException("--continue and --resume cannot be used together");
            }
            Path here = (cwd == null ? Path.of("") : cwd).toAbsolutePath().normalize();
            resume = store().list().stream()
                    .filter(m -> m.parentId().isEmpty())
                    .filter(m -> Launch.of(m).map(l -> l.workingDirectory().equals(here)).orElse(false))
                    .findFirst().map(SessionMetadata::id)
                    .orElseThrow(() -> new CliException("no session was started in " + here + " (run without -c to start one)"));
        }
        if (resume == null) {
            return;
        }
        if (sessionId != null) {
            throw new CliException("--resume and --session-id cannot be used together");
        }
        Optional<Launch> stored = store().readMetadata(resume).flatMap(Launch::of);
        if (stored.isEmpty()) {
            return;  // not a CLI session, or one from before launches were stored: options as given
        }
        Launch launch = stored.get();
        List<String> kept = new ArrayList<>();
        if (!given("--cwd")) {
            cwd = launch.workingDirectory();
            kept.add("folder " + cwd);
        }
        if (!given("--provider") && (!given("--model") || !namesItsProvider(model, launch.workingDirectory()))) {
            provider = launch.provider();
        }
        if (!given("--model")) {
            model = launch.model().orElse(null);
        }
        if (!given("--system") && launch.system().isPresent()) {
            system = launch.system().get();
            kept.add("its own role");
        }
        if (!given("--permission-mode") && !given("--dangerously-skip-permissions") && launch.permissionMode().isPresent()) {
            permissionMode = launch.permissionMode().get();
            kept.add("mode " + permissionMode);
        }
        if (!given("--allow") && !given("--ask") && !given("--deny")) {
            allow = new ArrayList<>(launch.allow());
            ask = new ArrayList<>(launch.ask());
            deny = new ArrayList<>(launch.deny());
            if (!allow.isEmpty() || !ask.isEmpty() || !deny.isEmpty()) {
                kept.add("its --allow/--ask/--deny rules");
            }
        }
        if (!given("--max-iterations")) {
            maxIterations = launch.maxIterations();
        }
        if (!given("--max-tokens")) {
            maxTokens = launch.maxTokens();
        }
        if (!given("--no-stream")) {
            noStream = !launch.streaming();
        }
        kept.add(0, (provider == null ? "" : provider) + (model == null ? "" : " model " + model));
        System.err.println("picrust: resuming " + resume + " with " + String.join(", ", kept)
                + " (options given now override these)");
    }

    /** Whether a model name decides its provider: {@code provider/model}, or an id the catalog lists. */
    private boolean namesItsProvider(String modelName, Path project) {
        try {
            return modelName.contains("/") || ProviderFactory.catalog(project).resolve(modelName).isPresent();
        } catch (LlmException ambiguous) {
            return true;  // select() reports it
        }
    }

    private boolean given(String option) {
        return invocation.map(i -> i.given(option)).orElse(false);
    }

    /**
     * What {@link #resolveSession} restores when this session is resumed: the provider (its name in the
     * model catalog), model and output limit {@code config} resolved to, and the options as given.
     */
    Launch launch(AgentConfig config) {
        String providerName = launchProvider == null ? config.provider().name() : launchProvider;
        return new Launch(config.workingDirectory(), providerName, Optional.of(config.model()),
                Optional.ofNullable(system),
                skipPermissions ? Optional.of("bypassPermissions") : Optional.ofNullable(permissionMode),
                allow, ask, deny, maxIterations, config.maxTokens(), !noStream);
    }

    /** The settings files' budget, with the flags' limits on the agent tree (the session and its subagents). */
    Budget budget(Settings settings) {
        Budget.Limit tree = settings.budget().tree();
        try {
            if (maxCost != null) {
                tree = tree.maxCost(maxCost);
            }
            if (maxTotalTokens != null) {
                tree = tree.maxTokens(maxTotalTokens);
            }
            if (maxCalls != null) {
                tree = tree.maxCalls(maxCalls);
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("--max-cost, --max-total-tokens and --max-calls must not be negative");
        }
        return settings.budget().perTree(tree);
    }

    /** The agent these options describe; {@code interactive}: a human answers permission requests. */
    AgentConfig agentConfig(boolean interactive) {
        if (maxIterations < 1) {
            throw new CliException("--max-iterations must be at least 1 (got " + maxIterations + ")");
        }
        Path workingDirectory = (cwd == null ? Path.of("") : cwd).toAbsolutePath().normalize();
        if (!Files.isDirectory(workingDirectory)) {
            throw new CliException("--cwd " + workingDirectory + " is not a directory");
        }
        Settings settings = Settings.load(SessionStore.home(), workingDirectory);
        Optional<String> chosenModel = Optional.ofNullable(model).or(settings::model);
        http = httpSettings(settings);
        ModelCatalog catalog = ProviderFactory.catalog(workingDirectory);
        ProviderFactory.Selection selection = ProviderFactory.select(catalog,
                Optional.ofNullable(provider), chosenModel, Optional.ofNullable(baseUrl),
                settings.environment(System.getenv()), http);
        launchProvider = selection.choice().provider().name();
        int outputLimit = maxTokens != null ? maxTokens
                : Math.min(DEFAULT_MAX_TOKENS, selection.choice().model().maxTokens().orElse(DEFAULT_MAX_TOKENS));
        HookRegistry hooks = new HookRegistry();
        settings.hooks().registerInto(hooks, settings.env());
        ToolRegistry tools = ProviderFactory.defaultTools();
        List<Path> mcpFiles = McpCommand.configFiles(workingDirectory, mcpConfig);
        AgentConfig.Builder config = AgentConfig.builder(selection.provider())
                .agentType("cli")
                .model(selection.model())
                .tools(tools)
                .maxIterations(maxIterations)
                .maxTokens(outputLimit)
                .budget(budget(settings))
                .prices(catalog)
                .streaming(!noStream)
                .workingDirectory(workingDirectory)
                .permissions(permissions(settings))
                .hooks(hooks)
                .interactive(interactive)
                .sandbox(sandboxSettings(workingDirectory))
                .toolEnvironment(toolEnvironment(workingDirectory).setting(settings.env()));
        selection.choice().model().contextWindow().ifPresent(config::contextWindow);
        try {
            config.systemPrompt(WorkspacePrompt.of(system == null ? ROLE : system, workingDirectory));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while reading the workspace");
        }
        if (!mcpFiles.isEmpty()) {
            // The only place the run path loads MCP classes; closing the registry stops the servers.
            McpCli.attach(tools, mcpFiles, settings.env(), System.err);
        }
        return config.build();
    }

    /** The settings files' {@code "timeouts"}, then the flags. */
    HttpSettings httpSettings(Settings settings) {
        return new Settings.Timeouts(seconds(connectTimeout, "--connect-timeout"),
                seconds(firstByteTimeout, "--first-byte-timeout"), seconds(idleTimeout, "--idle-timeout"),
                seconds(attemptTimeout, "--attempt-timeout")).applyTo(settings.http());
    }

    private static Optional<Duration> seconds(Double value, String flag) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value > 0) || value.isInfinite()) {
            throw new CliException(flag + " must be a positive number of seconds (got " + value + ")");
        }
        return Optional.of(Duration.ofMillis(Math.max(1, Math.round(value * 1000))));
    }

    /**
     * {@code current} on the model {@code ref} names: a model from the catalog ({@code local/qwen3},
     * or an id one provider lists) brings its provider along; any other name keeps the provider.
     */
    static Switched withModel(AgentConfig current, String ref, HttpSettings http) {
        Optional<ModelChoice> found;
        try {
            found = ProviderFactory.catalog(current.workingDirectory()).resolve(ref);
            if (found.isEmpty()) {
                if (ref.contains("/")) {
                    throw new CliException("unknown provider in '" + ref + "' (see picrust models)");
                }
                return new Switched(current.toBuilder().model(ref).build(), Optional.empty());
            }
            Map<String, String> env = Settings.load(SessionStore.home(), current.workingDirectory()).environment(System.getenv());
            AgentConfig switched = current.withModel(found.get().createProvider(env, http), found.get().model().id());
            OptionalInt window = found.get().model().contextWindow();
            return new Switched(window.isPresent() ? switched.toBuilder().contextWindow(window.getAsInt()).build() : switched,
                    Optional.of(found.get().provider().name()));
        } catch (LlmException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** A configuration on another model, and the catalog's name of its provider when it came from the catalog. */
    record Switched(AgentConfig config, Optional<String> catalogProvider) {}

    /** Settings files' {@code "sandbox"} object, then the flags. */
    SandboxSettings sandboxSettings(Path workingDirectory) {
        try {
            SandboxSettings settings = SandboxSettings.defaults().withFiles(
                    PermissionSettings.standardFiles(SessionStore.home(), workingDirectory), workingDirectory);
            if (sandbox != null) {
                settings = settings.withMode(SandboxMode.parse(sandbox).orElseThrow(() -> new CliException(
                        "unknown --sandbox '" + sandbox + "' (use auto, on or off)")));
            }
            if (noNetwork) {
                settings = settings.withNetwork(false);
            }
            List<Path> writable = new ArrayList<>(settings.writable());
            sandboxWritable.forEach(w -> writable.add(workingDirectory.resolve(w)));
            return settings.withWritable(writable);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    ToolEnvironment toolEnvironment(Path workingDirectory) {
        try {
            return ToolEnvironment.defaults()
                    .withFiles(PermissionSettings.standardFiles(SessionStore.home(), workingDirectory))
                    .passing(java.util.Set.copyOf(passEnv));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * The one line a run prints when its shell commands will not be sandboxed although the mode asks
     * for it (or will be refused because they cannot be): nobody should believe in a wall that is not there.
     */
    static Optional<String> sandboxNotice(AgentConfig config) {
        SandboxSettings settings = config.sandbox();
        boolean wanted = settings.mode().confines(!config.interactive());
        Optional<String> problem = wanted ? BubblewrapSandbox.availability() : Optional.empty();
        if (problem.isPresent()) {
            return Optional.of(settings.mode() == SandboxMode.ON
                    ? "picrust: sandbox required but unavailable (" + problem.get() + "): Bash commands will be refused."
                    : "picrust: notice: Bash runs WITHOUT a sandbox (" + problem.get() + "); only permission rules confine it.");
        }
        if (!wanted && !settings.network()) {
            return Optional.of("picrust: notice: --no-network has no effect: shell commands are not sandboxed in this run.");
        }
        return Optional.empty();
    }

    /** The sessions folder's store, made once per command: one journal per folder and process. */
    SessionStore store() {
        if (store == null) {
            store = sessionsDir == null ? SessionStore.atDefaultLocation() : SessionStore.at(sessionsDir);
        }
        return store;
    }

    private SessionStore store;

    /**
     * Rules from the settings files and flags (the CONFIG tier) plus the persisted local/global rules under
     * the PiCrust home; the mode from the flags, else the settings, else default.
     */
    Permissions permissions(Settings settings) {
        PermissionMode mode = settings.mode().orElse(PermissionMode.DEFAULT);
        if (permissionMode != null) {
            mode = PermissionMode.parse(permissionMode).orElseThrow(() -> new CliException(
                    "unknown --permission-mode '" + permissionMode + "' (use default, acceptEdits, plan or bypassPermissions)"));
        }
        if (skipPermissions) {
            mode = PermissionMode.BYPASS_PERMISSIONS;
        }
        try {
            Permissions fromSettings = new Permissions(mode, settings.rules(), Optional.empty(), Optional.empty());
            return fromSettings.withStore(RuleStore.atDefaultLocation())
                    .allow(allow.toArray(String[]::new))
                    .ask(ask.toArray(String[]::new))
                    .deny(deny.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid permission rule: " + e.getMessage());
        }
    }

    int runTurn(SessionStore store, AgentConfig config, String text, ChunkPrinter.OutputFormat format,
                PrintStream out, PrintStream err) throws Exception {
        ChunkPrinter printer = ChunkPrinter.forFormat(format, out, err);
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            // Ctrl-C or SIGTERM: stop the agent properly so running tools kill their process trees
            // (they run in sessions of their own and would outlive the JVM) and sessions are closed.
            Thread onSignal = new Thread(() -> {
                try {
                    runtime.shutdownAll(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "picrust-shutdown");
            Runtime.getRuntime().addShutdownHook(onSignal);
            try {
                return runTurn(runtime, store, config, text, format, printer, err);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is already running
                }
            }
        }
    }

    private int runTurn(AgentRuntime runtime, SessionStore store, AgentConfig config, String text,
                        ChunkPrinter.OutputFormat format, ChunkPrinter printer, PrintStream err) throws Exception {
        firstPrompt = text;
        AgentHandle handle = start(runtime, store, config);
        long started = System.nanoTime();
        Subscription subscription = handle.subscribe(Integer.MAX_VALUE);
        if (text.isEmpty()) {
            handle.continueTurn();
        } else {
            handle.send(text);
        }
        Optional<TerminalApprover> approver = answers.map(in -> new TerminalApprover(handle, in, err,
                config.workingDirectory()));
        TurnResult result = follow(subscription, printer, approver);
        handle.shutdown();
        handle.awaitTermination(Duration.ofSeconds(30));
        if (format == ChunkPrinter.OutputFormat.TEXT) {
            err.println(result.summary(Duration.ofNanos(System.nanoTime() - started), handle.sessionId()));
            err.println("session " + handle.sessionId() + " saved in " + store.location(handle.sessionId()));
        }
        if (result.reason() == EndReason.END_TURN) {
            return 0;
        }
        if (format == ChunkPrinter.OutputFormat.JSONL) {
            // Text mode has shown the error and the reason already (error line, end-of-turn line).
            err.println("picrust: turn ended: " + result.reason() + result.detail().map(d -> " (" + d + ")").orElse(""));
        }
        return 1;
    }

    /** The first prompt of a new session: its description in {@code picrust sessions}. */
    String firstPrompt = "";

    AgentHandle start(AgentRuntime runtime, SessionStore store, AgentConfig config) {
        try {
            if (resume != null) {
                if (!store.exists(resume)) {
                    throw new CliException("no session '" + resume + "' in " + store.location());
                }
                loggedSession = Optional.of(resume);
                return runtime.resume(config, resume);
            }
            return spawnNew(runtime, config, Optional.ofNullable(sessionId));
        } catch (SessionException | IllegalArgumentException | IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** A new session for {@code config}, remembering how it was launched and its first prompt. */
    AgentHandle spawnNew(AgentRuntime runtime, AgentConfig config, Optional<String> id) {
        String newId = id.orElseGet(() -> "s-" + UUID.randomUUID());
        loggedSession = Optional.of(newId);
        SessionMetadata metadata = SessionMetadata.create(newId,
                config.agentType(), config.model(), config.provider().name())
                .withCustom(Launch.KEY, launch(config).toJson());
        return runtime.spawn(config, firstPrompt.isBlank() ? metadata
                : metadata.withDescription(ChunkPrinter.Text.preview(firstPrompt)));
    }

    /**
     * How the turn ended, the last error or status that explains it, and what its model calls used and
     * cost (its subagents' calls included).
     */
    record TurnResult(EndReason reason, Optional<String> detail, UsageTotals usage) {

        /** The end-of-turn line: reason when not a normal end, time, tokens, cost when known, session. */
        String summary(Duration elapsed, String sessionId) {
            String ended = reason == EndReason.END_TURN ? "" : reason.wireName() + " · ";
            return String.format(Locale.ROOT, "%s%.1f s · %s · session %s", ended, elapsed.toMillis() / 1000.0,
                    UsageText.brief(usage), sessionId);
        }
    }

    /** What one call used, found in a chunk of the agent or of a subagent (forwarded, at any depth). */
    private static UsageTotals callUsage(OutputChunk chunk) {
        return switch (chunk) {
            case OutputChunk.UsageReport u -> UsageTotals.ofCall(u.usage(), u.cost());
            case OutputChunk.SubagentOutput s -> callUsage(s.chunk());
            default -> UsageTotals.ZERO;
        };
    }

    /**
     * Prints the turn's chunks until it is done. A permission request or question is answered here,
     * on the reading thread, when an approver is given; the agent just waits for the answer.
     */
    static TurnResult follow(Subscription subscription, ChunkPrinter printer, Optional<TerminalApprover> approver)
            throws InterruptedException {
        Optional<String> detail = Optional.empty();
        UsageTotals usage = UsageTotals.ZERO;
        while (true) {
            Optional<OutputChunk> next = subscription.next();
            if (next.isEmpty()) {
                return new TurnResult(EndReason.ERROR, Optional.of(detail.orElse("the agent stopped unexpectedly")), usage);
            }
            OutputChunk chunk = next.get();
            printer.print(chunk);
            approver.ifPresent(a -> a.onChunk(chunk));
            switch (chunk) {
                case OutputChunk.Error e -> detail = Optional.of(e.message());
                case OutputChunk.Status s when s.code() != StatusCode.RETRY -> detail = Optional.of(s.message());
                case OutputChunk.UsageReport u -> usage = usage.plus(callUsage(u));
                case OutputChunk.SubagentOutput s -> usage = usage.plus(callUsage(s));
                case OutputChunk.Done d -> {
                    return new TurnResult(d.reason(), detail, usage);
                }
                default -> { }
            }
        }
    }
}
