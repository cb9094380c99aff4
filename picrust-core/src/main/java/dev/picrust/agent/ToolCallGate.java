package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.event.OutputSink;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.permission.PermissionDecision;
import dev.picrust.permission.PermissionPolicy;
import dev.picrust.permission.PermissionQuery;
import dev.picrust.tool.Tool;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Decides whether one tool call runs: PreToolUse hooks first (they may deny, ask, allow, rewrite the
 * input or add context), then the permission policy (rules across tiers, the mode), then — when the
 * answer is "ask" — a human through a durable request, or a clear denial when nobody can answer.
 * Every decision is announced and recorded in the session with what made it.
 */
final class ToolCallGate {

    /** Whether the call runs. */
    sealed interface Clearance {
        /** Run the tool with this (possibly hook-rewritten) input; contexts go to the model after the result. */
        record Run(JsonNode input, List<String> contexts) implements Clearance {}

        /** Do not run; {@code reason} becomes the error result the model sees. */
        record Refuse(String reason) implements Clearance {}

        /** A PreToolUse hook stopped the turn: this call and those not yet started are not run. */
        record Stop(String reason) implements Clearance {}
    }

    private final PermissionPolicy policy;
    private final HumanRequests humans;
    private final HookRunner hooks;
    private final Transcript transcript;
    private final OutputSink output;
    private final AgentConfig config;

    ToolCallGate(PermissionPolicy policy, HumanRequests humans, HookRunner hooks, Transcript transcript,
                 OutputSink output, AgentConfig config) {
        this.policy = policy;
        this.humans = humans;
        this.hooks = hooks;
        this.transcript = transcript;
        this.output = output;
        this.config = config;
    }

    Clearance check(Tool tool, ToolUseBlock call, Cancellation cancellation, BatchProgress progress)
            throws InterruptedException {
        Optional<PendingRequest> stored = humans.pending().forToolUse(call.id())
                .filter(p -> p.kind() == PendingRequest.Kind.PERMISSION);
        if (stored.isPresent()) {
            // Resumed while waiting for this answer: hooks already ran; ask again with the same id.
            PendingRequest request = stored.get();
            // What the hooks said then still holds: a hook's "ask" is asked again, or refused headless.
            PermissionQuery query = query(tool, request.input()).withHookRuling(request.hookRuling());
            if (!humans.canAnswer()) {
                PermissionDecision decision = policy.decide(query);
                if (decision instanceof PermissionDecision.Ask ask) {
                    decision = ask.withoutAnswerer();
                }
                record(call.id(), call.name(), decision);
                humans.resolved(request.requestId());
                return verdict(decision, request.input(), List.of());
            }
            return verdict(waitForHuman(query, request, cancellation), request.input(), List.of());
        }

        // Hooks and rules judge the input as the tool will read it (defaults filled in), and the tool
        // then runs with exactly that: leaving a field out cannot slip past a rule about its default.
        JsonNode asCalled = tool.effectiveInput(call.input());
        HookOutcome pre = hooks.has(HookEvent.PRE_TOOL_USE)
                ? hooks.run(new HookInput.PreToolUse(hooks.context(), call.name(), asCalled, call.id()))
                : HookOutcome.none(HookEvent.PRE_TOOL_USE);
        if (pre.stopRequested()) {
            return new Clearance.Stop(pre.stopReason().get());
        }
        JsonNode input = pre.updatedToolInput().map(tool::effectiveInput).orElse(asCalled);
        PermissionQuery query = query(tool, input).withHookRuling(pre.ruling());
        PermissionDecision decision = policy.decide(query);
        if (decision instanceof PermissionDecision.Ask ask && humans.canAnswer()) {
            progress.save();
            PendingRequest request = PendingRequest.permission(call.id(), call.name(), input, ask.reason(),
                    Instant.now(), config.permissions().approvalTimeout()).withHookRuling(pre.ruling());
            return verdict(waitForHuman(query, request, cancellation), input, pre.contexts());
        }
        if (decision instanceof PermissionDecision.Ask ask) {
            decision = ask.withoutAnswerer();
        }
        recordAutomatic(call.id(), call.name(), decision);
        return verdict(decision, input, pre.contexts());
    }

    private PermissionDecision waitForHuman(PermissionQuery query, PendingRequest request, Cancellation cancellation)
            throws InterruptedException {
        Optional<PermissionAnswer> answer;
        try {
            answer = humans.askPermission(request, cancellation);
        } catch (CancellationException | InterruptedException e) {
            humans.resolved(request.requestId());  // the call gets an "interrupted" result: nothing waits any more
            throw e;
        }
        PermissionDecision decision = answer.map(a -> policy.applyAnswer(query, a))
                .orElseGet(request::timeoutDenial);
        record(request.toolUseId(), request.toolName(), decision);
        humans.resolved(request.requestId());
        return decision;
    }

    private static Clearance verdict(PermissionDecision decision, JsonNode input, List<String> contexts) {
        return switch (decision) {
            case PermissionDecision.Allow a -> new Clearance.Run(input, contexts);
            case PermissionDecision.Deny d -> new Clearance.Refuse(d.reason());
            case PermissionDecision.Ask a -> new Clearance.Refuse(a.withoutAnswerer().reason());
        };
    }

    /** A human's answer (or its absence at the deadline). */
    private void record(String toolUseId, String toolName, PermissionDecision decision) {
        output.publish(decision.toChunk(toolUseId, toolName));
        transcript.decision(toolUseId, toolName, decision, false);
    }

    /** A decision made without a human (rules, mode, hooks). */
    private void recordAutomatic(String toolUseId, String toolName, PermissionDecision decision) {
        output.publish(decision.toChunk(toolUseId, toolName));
        transcript.decision(toolUseId, toolName, decision, true);
    }

    private PermissionQuery query(Tool tool, JsonNode input) {
        return new PermissionQuery(tool.name(), input, tool.readOnly(), config.workingDirectory(), config.agentType(),
                config.permissions().mode());
    }
}
