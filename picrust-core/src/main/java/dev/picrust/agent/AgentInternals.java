package dev.picrust.agent;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.event.StatusCode;
import dev.picrust.hook.HookContext;
import dev.picrust.hook.HookInput;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.Message;
import dev.picrust.permission.PendingRequests;
import dev.picrust.permission.PermissionPolicy;
import dev.picrust.session.AgentSession;
import dev.picrust.tool.PathResolver;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a loop works with, for one agent: its configuration and session, where it announces
 * output, its inbox, hooks, state, the tool executor, model calls, the transcript that writes the
 * session, and its open requests to humans. The runtime builds it; the loop only uses it.
 */
public final class AgentInternals {
    /** Changes only at a turn boundary, when a model switch takes effect; read by the handle too. */
    private volatile AgentConfig config;
    private final AgentSession session;
    private final OutputSink output;
    private final ModelSwitch modelSwitch = new ModelSwitch();
    private final CurrentTurn turn = new CurrentTurn(this::switchModel);
    private final CurrentState state;
    private final Inbox inbox;
    private final Transcript transcript;
    private final HookRunner hooks;
    private final HumanRequests humans;
    private final AgentResources resources = new AgentResources();
    private final ToolExecutor tools;
    private final ModelCaller model;
    private final RequestFactory requests;
    private final Recovery recovery;
    private final Compactor compactor;
    private final AgentControls controls;
    private final UsageLedger usage;
    private final AgentTracing tracing;

    private AgentInternals(AgentConfig config, AgentSession session, OutputSink output, UsageLedger usage) {
        this.config = config;
        this.usage = usage;
        this.session = session;
        this.output = output;
        this.state = new CurrentState(output);
        this.tracing = AgentTracing.of(config, session.id());
        this.inbox = new Inbox(turn, session.id());
        this.transcript = new Transcript(session, config.tools());
        this.hooks = new HookRunner(config.hooks(), new HookContext(session.id(), config.agentType(),
                config.workingDirectory(), config.permissions().mode()), turn, output, transcript);
        this.compactor = new Compactor(config, session, output, hooks, usage);
        PendingRequests pending = new PendingRequests(session.state());
        this.humans = new HumanRequests(pending, config.interactive(), config.permissions().approvalTimeout(), state,
                output, transcript);
        PermissionPolicy policy = config.permissions().policy(Path.of(System.getProperty("user.home")));
        PathResolver paths = config.allowedRoots().isEmpty()
                ? PathResolver.unconfined(config.workingDirectory())
                : PathResolver.confined(config.workingDirectory(), config.allowedRoots());
        this.tools = new ToolExecutor(config.tools(), new ToolCallGate(policy, humans, hooks, transcript, output, config),
                hooks, output, state, new ToolServices(session.id(), config.workingDirectory(), paths, output,
                session.state(), resources, humans, hooks, state, config, policy), tracing, transcript);
        this.model = new ModelCaller(config, output, transcript, usage, tracing, compactor);
        this.requests = new RequestFactory(config, ModelHistory.open(session, config));
        this.recovery = new Recovery(transcript, pending, session.state(), output);
        this.controls = new AgentControls(inbox, turn, humans, state, modelSwitch, () -> this.config);
    }

    /**
     * The internals of one agent about to run on {@code session}; {@code output} is its bus. Its usage
     * is counted in a ledger of its own, starting from what the session used before.
     */
    public static AgentInternals create(AgentConfig config, AgentSession session, OutputSink output) {
        return create(config, session, output, UsageLedger.runtime().child(config.budget(), config.prices(),
                session.usage(), session.usage()));
    }

    /** As {@link #create(AgentConfig, AgentSession, OutputSink)}, counting usage in {@code usage}. */
    public static AgentInternals create(AgentConfig config, AgentSession session, OutputSink output, UsageLedger usage) {
        return new AgentInternals(config, session, output, usage);
    }

    public AgentConfig config() {
        return config;
    }

    /** The session itself; write through {@link #transcript()}, which knows how durable each line must be. */
    public AgentSession session() {
        return session;
    }

    public OutputSink output() {
        return output;
    }

    public Inbox inbox() {
        return inbox;
    }

    public CurrentTurn turn() {
        return turn;
    }

    public CurrentState state() {
        return state;
    }

    public Transcript transcript() {
        return transcript;
    }

    public HookRunner hooks() {
        return hooks;
    }

    public RequestFactory requests() {
        return requests;
    }

    public ModelCaller model() {
        return model;
    }

    /** What the agent's calls used and cost, and whether its budget allows another call. */
    public UsageLedger usage() {
        return usage;
    }

    public ToolExecutor tools() {
        return tools;
    }

    public HumanRequests humans() {
        return humans;
    }

    public Recovery recovery() {
        return recovery;
    }

    /** Keeps the conversation inside the model's context window: what the model sees, and when to summarise. */
    Compactor compactor() {
        return compactor;
    }

    /** The agent's spans ({@link AgentTracing#OFF} without a configured OpenTelemetry). */
    AgentTracing tracing() {
        return tracing;
    }

    /** The handle's side: input, interrupts, answers. */
    public AgentControls controls() {
        return controls;
    }

    /**
     * Applies the model switch asked for since the last turn, if any (called as a turn begins): the
     * session records the new model, requests convert the history for it from now on, calls go to
     * its provider. A failure keeps the old model and is reported; the turn goes on.
     */
    private void switchModel() {
        Optional<ModelSwitch.Target> target = modelSwitch.take();
        if (target.isEmpty()) {
            return;
        }
        AgentConfig switched = config.withModel(target.get().provider(), target.get().model());
        try {
            requests.use(switched, requests.models().switchTo(session, switched));
            model.use(switched);
            config = switched;
            session.updateMetadata(m -> m.withModel(switched.model(), switched.provider().name()));
            output.publish(new OutputChunk.Status(StatusCode.MODEL_SWITCHED, "model " + switched.model() + " ("
                    + switched.provider().name() + ") from this turn on"));
        } catch (RuntimeException e) {
            output.publish(new OutputChunk.Error("could not switch to model " + switched.model() + ": " + describe(e)));
        }
    }

    /**
     * After the loop, whatever it was and however it ended (the runtime calls this): input accepted
     * but never processed is appended to the session so a resumed agent sees it, SessionEnd hooks
     * run, and per-agent resources are closed.
     */
    public void finish() {
        try {
            keep(inbox.close());
        } finally {
            try {
                hooks.run(new HookInput.SessionEnd(hooks.context(), turn.shuttingDown()
                        ? HookInput.SessionEndReason.SHUTDOWN : HookInput.SessionEndReason.STOPPED));
            } finally {
                resources.close(output);
            }
        }
    }

    private void keep(List<ContentBlock> unprocessed) {
        if (unprocessed.isEmpty()) {
            return;
        }
        try {
            transcript.note(Message.user(unprocessed));
            output.publish(new OutputChunk.Status(StatusCode.INPUT_KEPT, "input that arrived before the agent stopped "
                    + "was saved to the session unprocessed"));
        } catch (RuntimeException e) {
            output.publish(new OutputChunk.Error("could not save unprocessed input: " + describe(e)));
        }
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
