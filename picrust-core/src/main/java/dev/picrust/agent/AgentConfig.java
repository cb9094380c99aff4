package dev.picrust.agent;

import dev.picrust.agent.context.CachePolicy;
import dev.picrust.agent.context.ContextInjector;
import dev.picrust.hook.HookRegistry;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.ThinkingConfig;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.sandbox.SandboxSettings;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.tool.ToolRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one agent behaves. Build with {@link #builder(LlmProvider)}; every setting but the provider has
 * a working default.
 */
public record AgentConfig(
        LlmProvider provider,
        String model,
        String agentType,
        String systemPrompt,
        ToolRegistry tools,
        int maxIterations,
        int maxTokens,
        boolean streaming,
        Optional<ThinkingConfig> thinking,
        Path workingDirectory,
        List<Path> allowedRoots,
        Permissions permissions,
        HookRegistry hooks,
        List<ContextInjector> contextInjectors,
        CachePolicy cachePolicy,
        boolean interactive,
        InputDelivery inputDelivery,
        List<SubagentSpec> subagents,
        SandboxSettings sandbox,
        ToolEnvironment toolEnvironment,
        Budget budget,
        ModelCatalog prices,
        Optional<OpenTelemetry> openTelemetry,
        boolean traceContent,
        OptionalInt contextWindow) {

    public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";

    public AgentConfig {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(thinking, "thinking");
        workingDirectory = workingDirectory.toAbsolutePath().normalize();
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(hooks, "hooks");
        contextInjectors = List.copyOf(contextInjectors);
        Objects.requireNonNull(cachePolicy, "cachePolicy");
        Objects.requireNonNull(inputDelivery, "inputDelivery");
        subagents = List.copyOf(subagents);
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(toolEnvironment, "toolEnvironment");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        Objects.requireNonNull(contextWindow, "contextWindow");
        if (contextWindow.isPresent() && contextWindow.getAsInt() < 1) {
            throw new IllegalArgumentException("contextWindow must be >= 1");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
    }

    public static Builder builder(LlmProvider provider) {
        return new Builder(provider);
    }

    /**
     * This configuration on another provider and model: what a model switch resumes a session with.
     * The context window is the new model's to know, so it goes back to the default.
     */
    public AgentConfig withModel(LlmProvider newProvider, String newModel) {
        return new AgentConfig(newProvider, newModel, agentType, systemPrompt, tools, maxIterations, maxTokens, streaming,
                thinking, workingDirectory, allowedRoots, permissions, hooks, contextInjectors, cachePolicy, interactive,
                inputDelivery, subagents, sandbox, toolEnvironment, budget, prices, openTelemetry, traceContent,
                OptionalInt.empty());
    }

    public Builder toBuilder() {
        Builder b = new Builder(provider);
        b.model = model;
        b.agentType = agentType;
        b.systemPrompt = systemPrompt;
        b.tools = tools;
        b.maxIterations = maxIterations;
        b.maxTokens = maxTokens;
        b.streaming = streaming;
        b.thinking = thinking;
        b.workingDirectory = workingDirectory;
        b.allowedRoots = allowedRoots;
        b.permissions = permissions;
        b.hooks = hooks;
        b.contextInjectors = contextInjectors;
        b.cachePolicy = cachePolicy;
        b.interactive = interactive;
        b.inputDelivery = inputDelivery;
        b.subagents = subagents;
        b.sandbox = sandbox;
        b.toolEnvironment = toolEnvironment;
        b.budget = budget;
        b.prices = prices;
        b.openTelemetry = openTelemetry;
        b.traceContent = traceContent;
        b.contextWindow = contextWindow;
        return b;
    }

    public static final class Builder {
        private final LlmProvider provider;
        private String model;
        private String agentType = "agent";
        private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
        private ToolRegistry tools = new ToolRegistry();
        private int maxIterations = 100;
        private int maxTokens = 8192;
        private boolean streaming = true;
        private Optional<ThinkingConfig> thinking = Optional.empty();
        private Path workingDirectory = Path.of("");
        private List<Path> allowedRoots = List.of();
        private Permissions permissions = Permissions.defaults();
        private HookRegistry hooks = new HookRegistry();
        private List<ContextInjector> contextInjectors = List.of();
        private CachePolicy cachePolicy = CachePolicy.ephemeral();
        private boolean interactive;
        private InputDelivery inputDelivery = InputDelivery.STEER;
        private List<SubagentSpec> subagents = List.of();
        private SandboxSettings sandbox = SandboxSettings.defaults();
        private ToolEnvironment toolEnvironment = ToolEnvironment.defaults();
        private Budget budget = Budget.NONE;
        private ModelCatalog prices;
        private Optional<OpenTelemetry> openTelemetry = Optional.empty();
        private boolean traceContent;
        private OptionalInt contextWindow = OptionalInt.empty();

        private Builder(LlmProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
        }

        /**
         * Model name; defaults to the provider's default model. Naming another model than the one set
         * clears a {@link #contextWindow} set before (it was the other model's): a subagent on a
         * smaller model compacts for its own window.
         */
        public Builder model(String value) {
            if (model != null && !model.equals(value)) {
                contextWindow = OptionalInt.empty();
            }
            this.model = value;
            return this;
        }
        /** Groups agents for local permission rules and session listings. */
        public Builder agentType(String value) { this.agentType = value; return this; }
        public Builder systemPrompt(String value) { this.systemPrompt = value; return this; }
        public Builder tools(ToolRegistry value) { this.tools = value; return this; }
        /** At most this many LLM calls per turn. */
        public Builder maxIterations(int value) { this.maxIterations = value; return this; }
        public Builder maxTokens(int value) { this.maxTokens = value; return this; }
        public Builder streaming(boolean value) { this.streaming = value; return this; }
        public Builder thinking(ThinkingConfig value) { this.thinking = Optional.of(value); return this; }
        public Builder workingDirectory(Path value) { this.workingDirectory = value; return this; }
        /** Confines path tools to these roots (symlinks resolved); empty means unconfined. */
        public Builder allowedRoots(List<Path> value) { this.allowedRoots = value; return this; }
        /** Mode, rules and persistence of tool permissions. */
        public Builder permissions(Permissions value) { this.permissions = value; return this; }
        /** Hooks shared with subagents spawned from this config. */
        public Builder hooks(HookRegistry value) { this.hooks = value; return this; }
        /** Context added to every model call, never stored in the session. */
        public Builder contextInjectors(List<ContextInjector> value) { this.contextInjectors = value; return this; }
        public Builder cachePolicy(CachePolicy value) { this.cachePolicy = value; return this; }
        /** True if someone answers permission requests and questions through the handle. */
        public Builder interactive(boolean value) { this.interactive = value; return this; }
        public Builder inputDelivery(InputDelivery value) { this.inputDelivery = value; return this; }
        /** Subagent types this agent may start; when not empty the runtime offers it the Task tool. */
        public Builder subagents(List<SubagentSpec> value) { this.subagents = value; return this; }

        /**
         * Whether shell commands run in an OS sandbox (default {@link dev.picrust.sandbox.SandboxMode#AUTO}:
         * headless agents are sandboxed where bubblewrap works), and with network or not.
         */
        public Builder sandbox(SandboxSettings value) { this.sandbox = value; return this; }
        /** Which environment variables tools' processes inherit (default: every credential removed). */
        public Builder toolEnvironment(ToolEnvironment value) { this.toolEnvironment = value; return this; }
        /** Limits on tokens, cost and model calls per turn, session and agent tree (default: none). */
        public Builder budget(Budget value) { this.budget = value; return this; }
        /**
         * Where model calls are priced (default: {@link ModelCatalog#builtIn()}, list prices of common
         * Claude, GPT and Gemini models); pass {@link ModelCatalog#load} to honour models.json prices.
         */
        public Builder prices(ModelCatalog value) { this.prices = value; return this; }

        /**
         * Emits OpenTelemetry spans through {@code value} (GenAI semantic conventions: {@code invoke_agent},
         * {@code chat}, {@code execute_tool}; subagents nest under the Task call that started them). Without
         * it there is no tracing and no cost. PiCrust uses the API only: the application brings the SDK.
         */
        public Builder openTelemetry(OpenTelemetry value) { this.openTelemetry = Optional.of(value); return this; }
        /**
         * Also records prompts, responses, tool arguments and results on the spans (redacted like logs).
         * Off by default: content may be personal or confidential.
         */
        public Builder traceContent(boolean value) { this.traceContent = value; return this; }

        /**
         * Input plus output tokens the model holds ({@code contextWindow} in models.json). The history
         * is compacted before a request would exceed it minus a reserve for the answer; default: the
         * built-in catalog's figure for the model, and with none, compaction only when the provider
         * answers that the context is too long.
         */
        public Builder contextWindow(int value) { this.contextWindow = OptionalInt.of(value); return this; }

        public AgentConfig build() {
            return new AgentConfig(provider, model == null ? provider.defaultModel() : model, agentType,
                    systemPrompt, tools, maxIterations, maxTokens, streaming, thinking, workingDirectory,
                    allowedRoots, permissions, hooks, contextInjectors, cachePolicy, interactive, inputDelivery, subagents,
                    sandbox, toolEnvironment, budget, prices == null ? ModelCatalog.builtIn() : prices, openTelemetry,
                    traceContent, contextWindow);
        }
    }
}
