package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.UsageTotals;
import dev.picrust.event.OutputSink;
import dev.picrust.event.StatusCode;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookInput.CompactTrigger;
import dev.picrust.hook.HookOutcome;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.llm.catalog.ModelChoice;
import dev.picrust.session.AgentSession;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;

/**
 * Keeps an agent's conversation inside its model's context window. When the next request would
 * exceed the window minus a reserve for the answer ({@link #beforeCall}), when the provider answers
 * that the context is too long ({@link #afterOverflow}), or on request ({@link #compact}), the older
 * history is summarised by the model into a structured summary, and the model sees from then on:
 * the pinned messages (the first user message, the original task, and any sent pinned) verbatim
 * with the summary, then the recent messages as they are. The cut never falls between a tool call
 * and its result.
 *
 * <p>The session stays append-only and keeps every message: a {@code compaction} record marks the
 * boundary ({@code {"record":"compaction","from_message":N,"summary":..,"trigger":..}}: the model
 * sees the summary, then messages N onwards), and opening a session rebuilds the model's view from
 * the last one. {@code pin} records ({@code {"record":"pin","message":N}}) name pinned messages.
 *
 * <p>A failed summary call, or a PreCompact hook's deny, leaves the history untouched and the agent
 * goes on; PostCompact hooks see the summary. Used on the agent's own thread only. Package-private
 * (the public-type budget): a forked loop in another package sees the whole history through
 * {@link Transcript#history()} and does not compact.
 *
 * <p>The size of the next request is a running local estimate ({@link TokenEstimator}): each message
 * is measured once, when it first appears, never the whole history per call; where the provider
 * reported the real input tokens of the last request, the estimate grows from that figure instead
 * when it is higher.
 */
final class Compactor {
    /** The record kind of a compaction boundary. */
    static final String RECORD = "compaction";
    /** The record kind naming a pinned message. */
    static final String PIN_RECORD = "pin";

    /** Tool results and long texts are cut to this in what the summarising model reads. */
    private static final int MAX_RESULT_CHARS = 2_000;
    private static final int MAX_TEXT_CHARS = 8_000;
    private static final int DEFAULT_SUMMARY_TOKENS = 8_192;
    /** What the summarising model reads at most when the window is unknown (an overflow on an unlisted model). */
    private static final int DEFAULT_TRANSCRIPT_TOKENS = 100_000;

    static final String SUMMARY_SYSTEM = """
            You compact the history of a conversation between a user and an AI agent that uses tools. The agent \
            will continue from your summary and the most recent messages only, so anything you leave out is lost \
            to it. Write the summary for the agent, not for the user. Do not continue the conversation.""";

    static final String SUMMARY_INSTRUCTIONS = """
            Summarise the conversation above in these sections, in this order, in Markdown:

            ## Task
            What the user asked for, and what done looks like.
            ## Constraints and user instructions
            Every instruction, constraint and preference the user gave, quoted verbatim.
            ## Decisions
            What was decided and why.
            ## Files touched
            Each path read, created or changed, and what changed.
            ## Open items
            What is unfinished, failing or waiting.
            ## Next step
            The very next thing to do.""";

    /** Opens the summary the model sees in place of the older history. */
    static final String SUMMARY_HEADER = "The conversation before this point was compacted into the following summary:";

    private final AgentConfig config;
    private final AgentSession session;
    private final OutputSink output;
    private final HookRunner hooks;
    /** The summary call is a model call too: it counts in the totals and budgets, and is stored as a usage record. */
    private final UsageLedger usage;
    private final OptionalInt window;

    /** The model sees the summary, then the session's messages from here on (0: no compaction yet). */
    private int from;
    private Optional<String> summary = Optional.empty();
    private final TreeSet<Integer> pins = new TreeSet<>();
    private Optional<Message> prefix = Optional.empty();
    private long prefixTokens;

    /** Estimated tokens of messages [from, counted). */
    private int counted;
    private long tailTokens;
    private List<ToolDefinition> toolsMeasured = List.of();
    private long fixedTokens;
    private long lastEstimate;
    /** Input tokens the provider reported for the last request, and our estimate of it then; -1: none. */
    private long reported = -1;
    private long estimateAtReport;

    Compactor(AgentConfig config, AgentSession session, OutputSink output, HookRunner hooks, UsageLedger usage) {
        this.usage = usage;
        this.config = config;
        this.session = session;
        this.output = output;
        this.hooks = hooks;
        this.window = config.contextWindow().isPresent() ? config.contextWindow() : builtInWindow(config.model());
        this.fixedTokens = TokenEstimator.system(config.systemPrompt().isEmpty() ? List.of()
                : List.of(new TextBlock(config.systemPrompt())));
        load(session.records(), session.messages());
    }

    // ---------------------------------------------------------------- what the loop calls

    /** The messages the next request is built from: the whole history until the first compaction. */
    List<Message> context() {
        List<Message> all = session.messages();
        return prefix.isEmpty() ? all : new CompactedHistory(prefix.get(), all, from);
    }

    /**
     * Compacts when the next request would not fit the context window minus the reserve; a
     * failure is reported and the call goes ahead (the provider decides, and {@link #afterOverflow}
     * gets another chance). Does nothing, at no cost, when the model's window is unknown.
     */
    void beforeCall(Cancellation cancellation) {
        if (window.isEmpty() || estimate() <= threshold()) {
            return;
        }
        compact(CompactTrigger.AUTO, Optional.empty(), cancellation);
    }

    /**
     * The provider said the request was too long: compacts down to the most recent step. False when
     * nothing is left to summarise (the last messages alone do not fit) or summarising failed; the
     * turn then ends with the provider's error.
     */
    boolean afterOverflow(Cancellation cancellation) {
        boolean compacted = compact(CompactTrigger.OVERFLOW, Optional.empty(), cancellation);
        if (!compacted) {
            output.publish(new OutputChunk.Error("the conversation does not fit the model's context window"
                    + window.stream().mapToObj(w -> " (" + w + " tokens)").findFirst().orElse("")
                    + " even after compaction: the most recent messages alone are too long (~" + estimate()
                    + " tokens estimated)"));
        }
        return compacted;
    }

    /** Summarises the history now, whatever its size ({@code handle.compact()}, chat's {@code /compact}). */
    boolean compact(Optional<String> instructions, Cancellation cancellation) {
        return compact(CompactTrigger.MANUAL, instructions, cancellation);
    }

    /** Marks the message about to be appended as pinned: no compaction summarises it away. */
    void pinNext() {
        int index = session.messageCount();
        session.appendRecordWithNext(PIN_RECORD, Json.object().put("message", index));
        pins.add(index);
    }

    /** The provider's count of the last request's input tokens (from its usage), to correct the estimate. */
    void reported(Usage usage) {
        long input = usage.inputTokens() + usage.cacheReadInputTokens() + usage.cacheCreationInputTokens();
        if (input > 0 && lastEstimate > 0) {
            reported = input;
            estimateAtReport = lastEstimate;
        }
    }

    /** The estimated input tokens of the next request. */
    long estimate() {
        List<Message> all = session.messages();
        for (int i = counted; i < all.size(); i++) {
            tailTokens += TokenEstimator.message(all.get(i));
        }
        counted = all.size();
        List<ToolDefinition> tools = config.tools().definitions();
        if (tools != toolsMeasured) {  // the same instance while the tools are unchanged
            toolsMeasured = tools;
            fixedTokens = TokenEstimator.system(config.systemPrompt().isEmpty() ? List.of()
                    : List.of(new TextBlock(config.systemPrompt()))) + TokenEstimator.tools(tools);
        }
        long local = fixedTokens + prefixTokens + tailTokens;
        lastEstimate = reported < 0 ? local : Math.max(local, reported + (local - estimateAtReport));
        return lastEstimate;
    }

    /** The context window this agent compacts for, when known. */
    OptionalInt contextWindow() {
        return window;
    }

    // ---------------------------------------------------------------- compaction

    private long threshold() {
        int w = window.getAsInt();
        long reserve = Math.min(config.maxTokens(), w / 4) + w / 10;
        return w - reserve;
    }

    private boolean compact(CompactTrigger trigger, Optional<String> instructions, Cancellation cancellation) {
        List<Message> all = session.messages();
        long before = estimate();
        OptionalInt cut = cut(all, trigger);
        if (cut.isEmpty()) {
            if (trigger == CompactTrigger.MANUAL) {
                output.publish(new OutputChunk.Status(StatusCode.COMPACTION_FAILED, "nothing to compact: the history "
                        + "is only the most recent step"));
            }
            return false;
        }
        if (hooks.has(HookEvent.PRE_COMPACT)) {
            HookOutcome pre = hooks.run(new HookInput.PreCompact(hooks.context(), trigger, instructions));
            if (pre.denied() || pre.stopRequested()) {
                output.publish(new OutputChunk.Status(StatusCode.COMPACTION_FAILED, "a PreCompact hook refused: "
                        + pre.denyReason().or(pre::stopReason).orElse("no reason given") + "; the history is unchanged"));
                return false;
            }
        }
        int to = cut.getAsInt();
        output.publish(new OutputChunk.Status(StatusCode.COMPACTING, "summarising " + (to - from) + " messages (~"
                + before + " tokens in the context" + window.stream().mapToObj(w -> " of " + w).findFirst().orElse("")
                + ", " + trigger.wireName() + ")"));
        Optional<String> written = summarise(all, to, instructions, cancellation);
        if (written.isEmpty()) {
            return false;
        }
        String text = written.get() + mechanical(all, to);
        ObjectNode record = Json.object().put("from_message", to).put("summary", text).put("trigger", trigger.wireName())
                .put("summarised_from", from).put("tokens_before", before);
        ArrayNode pinned = record.putArray("pinned");
        pinnedBefore(all, to).forEach(pinned::add);
        apply(all, to, text);
        long after = estimate();
        record.put("tokens_after", after);
        session.appendRecord(RECORD, record);
        output.publish(new OutputChunk.Status(StatusCode.COMPACTED, "summarised " + (to - record.get("summarised_from")
                .asInt()) + " messages: ~" + before + " -> ~" + after + " tokens; the full history stays in the session"));
        if (hooks.has(HookEvent.POST_COMPACT)) {
            hooks.run(new HookInput.PostCompact(hooks.context(), trigger, text));
        }
        return true;
    }

    /**
     * Where the kept tail starts: never at a message of tool results (its calls would be cut off
     * from it), after the last boundary, leaving at least the last message. The tail holds about a
     * quarter of the budget (automatic) or of what the model sees now (manual); after an overflow,
     * only the most recent step.
     */
    private OptionalInt cut(List<Message> all, CompactTrigger trigger) {
        long keep = switch (trigger) {
            case OVERFLOW -> 0;
            case MANUAL -> TokenEstimator.messages(all.subList(from, all.size())) / 4;
            case AUTO -> threshold() / 4;
        };
        int chosen = -1;
        long kept = 0;
        for (int k = all.size() - 1; k > from; k--) {
            kept += TokenEstimator.message(all.get(k));
            if (!startsWithResults(all.get(k))) {
                if (chosen >= 0 && kept > keep) {
                    break;
                }
                chosen = k;
            }
        }
        return chosen < 0 ? OptionalInt.empty() : OptionalInt.of(chosen);
    }

    private static boolean startsWithResults(Message m) {
        if (m.role() != Role.USER) {
            return false;
        }
        for (ContentBlock b : m.content()) {
            if (b instanceof ToolResultBlock) {
                return true;
            }
        }
        return false;
    }

    /** The model's summary, or empty (reported) when the call failed. The history is not touched here. */
    private Optional<String> summarise(List<Message> all, int to, Optional<String> instructions,
                                       Cancellation cancellation) {
        String request = transcript(all, to) + "\n\n" + SUMMARY_INSTRUCTIONS
                + instructions.map(i -> "\n\nThe user asks the summary to focus on: " + i).orElse("");
        int maxTokens = Math.min(config.maxTokens(), window.isPresent()
                ? Math.max(1024, window.getAsInt() / 8) : DEFAULT_SUMMARY_TOKENS);
        LlmRequest call = new LlmRequest(config.model(), List.of(new TextBlock(SUMMARY_SYSTEM)),
                List.of(Message.user(request)), List.of(), maxTokens, Optional.empty(), Optional.empty(), Map.of());
        try {
            LlmResponse response = config.provider().send(call, cancellation);
            OutputChunk.UsageReport report = usage.record(call.model(), response.model(), response.usage());
            session.appendRecord(AgentSession.USAGE_RECORD, UsageTotals.ofCall(report.usage(), report.cost()).toJson());
            output.publish(report);
            String text = response.text().strip();
            if (text.isEmpty()) {
                output.publish(new OutputChunk.Status(StatusCode.COMPACTION_FAILED, "the model's summary was empty; "
                        + "the history is unchanged"));
                return Optional.empty();
            }
            return Optional.of(text);
        } catch (CancellationException e) {
            output.publish(new OutputChunk.Status(StatusCode.COMPACTION_FAILED, "compaction was interrupted; "
                    + "the history is unchanged"));
            return Optional.empty();
        } catch (RuntimeException e) {
            output.publish(new OutputChunk.Status(StatusCode.COMPACTION_FAILED, "the summary call failed: "
                    + AgentInternals.describe(e) + "; the history is unchanged"));
            return Optional.empty();
        }
    }

    /** What the summarising model reads: the previous summary, then messages [from, to) as plain text. */
    private String transcript(List<Message> all, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            Message m = all.get(i);
            for (ContentBlock b : m.content()) {
                switch (b) {
                    case TextBlock t -> text.append(m.role() == Role.USER ? "[User]: " : "[Assistant]: ")
                            .append(cap(t.text(), MAX_TEXT_CHARS)).append('\n');
                    case ThinkingBlock t -> text.append("[Assistant thinking]: ")
                            .append(cap(t.thinking(), MAX_RESULT_CHARS)).append('\n');
                    case ToolUseBlock u -> text.append("[Assistant tool call]: ").append(u.name()).append(' ')
                            .append(cap(Json.write(u.input()), MAX_RESULT_CHARS)).append('\n');
                    case ToolResultBlock r -> text.append(r.isError() ? "[Tool error]: " : "[Tool result]: ")
                            .append(cap(r.text(), MAX_RESULT_CHARS)).append('\n');
                    case ImageBlock image -> text.append(m.role() == Role.USER ? "[User]: " : "[Assistant]: ")
                            .append("(an image)\n");
                    case DocumentBlock document -> text.append(m.role() == Role.USER ? "[User]: " : "[Assistant]: ")
                            .append("(a document)\n");
                    default -> { }
                }
            }
        }
        // The summary call must fit the window itself: the oldest part goes first (the user's own
        // words survive in the mechanical section, the earlier summary is kept whole).
        long budget = (window.isPresent() ? window.getAsInt() / 2 : DEFAULT_TRANSCRIPT_TOKENS) * 3L;
        if (text.length() > budget) {
            int cut = text.length() - (int) budget;
            text.replace(0, cut, "[... " + cut + " characters of the oldest messages omitted ...]\n");
        }
        return summary.map(s -> "[Summary of the conversation before this part]\n" + s + "\n\n").orElse("") + text;
    }

    /**
     * What the summary must hold whatever the model wrote: the paths the tool calls named, and the
     * user's own words (pinned messages are kept verbatim beside the summary anyway).
     */
    private String mechanical(List<Message> all, int to) {
        Set<String> paths = new LinkedHashSet<>();
        List<String> said = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Message m = all.get(i);
            for (ContentBlock b : m.content()) {
                if (b instanceof ToolUseBlock u) {
                    for (String field : List.of("file_path", "path", "notebook_path")) {
                        JsonNode path = u.input().path(field);
                        if (path.isTextual()) {
                            paths.add(u.name() + " " + path.asText());
                        }
                    }
                } else if (b instanceof TextBlock t && m.role() == Role.USER && !pinned(all, i)
                        && !t.text().startsWith("<system-reminder>") && !t.text().equals(StandardAgent.INTERRUPTED_MARKER)) {
                    said.add(cap(t.text(), MAX_TEXT_CHARS));
                }
            }
        }
        StringBuilder text = new StringBuilder();
        if (!said.isEmpty()) {
            text.append("\n\n## The user's messages in this part, verbatim\n");
            said.forEach(s -> text.append("- ").append(s.replace("\n", "\n  ")).append('\n'));
        }
        if (!paths.isEmpty()) {
            text.append("\n\n## Tool calls on files in this part\n");
            paths.forEach(p -> text.append("- ").append(p).append('\n'));
        }
        return text.toString();
    }

    private static String cap(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + " [... " + (s.length() - max) + " more characters]";
    }

    // ---------------------------------------------------------------- the boundary

    /** Moves the boundary to {@code to} with {@code text} as the summary. */
    private void apply(List<Message> all, int to, String text) {
        List<ContentBlock> content = new ArrayList<>();
        for (int index : pinnedBefore(all, to)) {
            for (ContentBlock b : all.get(index).content()) {
                if (!(b instanceof ToolResultBlock) && !(b instanceof ToolUseBlock)) {
                    content.add(b);
                }
            }
        }
        content.add(new TextBlock(SUMMARY_HEADER + "\n<summary>\n" + text + "\n</summary>"));
        from = to;
        summary = Optional.of(text);
        Message first = Message.user(content);
        prefix = Optional.of(first);
        prefixTokens = TokenEstimator.message(first);
        tailTokens = 0;
        counted = from;
        reported = -1;
    }

    /** Pinned messages before {@code to}: the first user message, and those a {@code pin} record names. */
    private List<Integer> pinnedBefore(List<Message> all, int to) {
        TreeSet<Integer> before = new TreeSet<>();
        for (int i = 0; i < Math.min(to, all.size()); i++) {
            if (all.get(i).role() == Role.USER && !startsWithResults(all.get(i))) {
                before.add(i);  // the original task
                break;
            }
        }
        for (int pin : pins) {
            if (pin < to && pin < all.size() && all.get(pin).role() == Role.USER) {
                before.add(pin);
            }
        }
        return List.copyOf(before);
    }

    private boolean pinned(List<Message> all, int index) {
        return pinnedBefore(all, index + 1).contains(index);
    }

    /** Rebuilds the model's view from the session's last compaction record (a resumed session). */
    private void load(List<ObjectNode> records, List<Message> all) {
        ObjectNode last = null;
        for (ObjectNode record : records) {
            String kind = record.path("record").asText();
            if (kind.equals(PIN_RECORD) && record.path("message").canConvertToInt()) {
                pins.add(record.get("message").asInt());
            } else if (kind.equals(RECORD) && record.path("from_message").canConvertToInt()
                    && record.path("summary").isTextual()) {
                last = record;
            }
        }
        if (last == null || all.isEmpty()) {
            return;
        }
        // A repaired load can shift messages; never start the tail at results whose calls were summarised.
        int to = Math.min(last.get("from_message").asInt(), all.size() - 1);
        while (to > 0 && startsWithResults(all.get(to))) {
            to--;
        }
        if (to > 0) {
            apply(all, to, last.get("summary").asText());
        }
    }

    private static OptionalInt builtInWindow(String model) {
        try {
            return BuiltIn.CATALOG.resolve(model).map(ModelChoice::model).map(m -> m.contextWindow())
                    .orElse(OptionalInt.empty());
        } catch (RuntimeException ambiguous) {
            return OptionalInt.empty();
        }
    }

    /** Parsed once per JVM, when the first agent without a configured window starts. */
    private static final class BuiltIn {
        static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    }
}
