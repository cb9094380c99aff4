package dev.picrust.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ApiKind;
import dev.picrust.llm.HistoryConversion;
import dev.picrust.llm.Message;
import dev.picrust.llm.ModelRef;
import dev.picrust.llm.Role;
import dev.picrust.session.AgentSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which model answered which message of a session, and the history as the current model must see
 * it.
 *
 * <p>The session keeps a {@code model} record whenever the model changes (a new session, a resume
 * or switch to another model): {@code {"record":"model","from_message":N,"api":..,"model":..,
 * "provider":..}} says that assistant messages from index N on were answered by that model, until
 * the next such record. Message lines are never touched, so older readers see the same history.
 * Messages before the first record (sessions written before records existed) have no known origin.
 *
 * <p>When some message was answered by another model than the current one, requests carry the
 * history converted by {@link HistoryConversion}; otherwise the history goes as it is, without a
 * copy. A provider that is no wire API (a test double) gets neither records nor conversion.
 */
public final class ModelHistory {
    /** The record kind. */
    public static final String RECORD = "model";

    private final Optional<ModelRef> current;
    /** (from_message, model) in order. */
    private final List<Switch> switches;

    private record Switch(int fromMessage, ModelRef model) {}

    private ModelHistory(Optional<ModelRef> current, List<Switch> switches) {
        this.current = current;
        this.switches = switches;
    }

    /** No records, no conversion: for requests built without a session. */
    public static ModelHistory none() {
        return new ModelHistory(Optional.empty(), List.of());
    }

    /**
     * Reads the session's model records and, when the configured model differs from the last one,
     * appends a record for it (see {@link #switchTo}).
     */
    public static ModelHistory open(AgentSession session, AgentConfig config) {
        return new ModelHistory(Optional.empty(), read(session.records())).switchTo(session, config);
    }

    /**
     * This history with {@code config}'s model as the current one: what resume and a live switch
     * ({@code AgentHandle.setModel}) both do. When the model differs from the last one recorded, the
     * session gets a record saying it answers from the next message on (durable with the session's
     * next append, which is the first message of the next turn: a record without messages after it
     * says nothing anyway).
     */
    ModelHistory switchTo(AgentSession session, AgentConfig config) {
        Optional<ModelRef> next = config.provider().api().map(api -> new ModelRef(api, config.model()));
        List<Switch> known = new ArrayList<>(switches);
        if (next.isPresent() && (known.isEmpty() || !known.getLast().model().equals(next.get()))) {
            int from = session.messageCount();
            ObjectNode body = Json.object().put("from_message", from).put("api", next.get().api().wire())
                    .put("model", next.get().model()).put("provider", config.provider().name());
            session.appendRecordWithNext(RECORD, body);
            session.release();  // an agent that stays idle holds no history descriptor
            known.add(new Switch(from, next.get()));
        }
        return new ModelHistory(next, known);
    }

    /** The model that answered each message, by index (empty when unknown or a user message). */
    public static List<Optional<ModelRef>> origins(List<Message> history, List<ObjectNode> records) {
        return originsOf(history, read(records));
    }

    /** The history as the current model must see it: converted when another model wrote part of it. */
    public List<Message> forRequest(List<Message> history) {
        int sessionSize = history instanceof CompactedHistory compacted ? compacted.session().size() : history.size();
        if (current.isEmpty() || switches.isEmpty() || onlyCurrent(sessionSize)) {
            return history;
        }
        if (history instanceof CompactedHistory compacted) {
            // Origins are by session index; the summary (a user message) has none.
            List<Optional<ModelRef>> all = originsOf(compacted.session(), switches);
            List<Optional<ModelRef>> origins = new ArrayList<>(history.size());
            for (int i = 0; i < history.size(); i++) {
                int at = compacted.sessionIndex(i);
                origins.add(at < 0 ? Optional.empty() : all.get(at));
            }
            return HistoryConversion.convert(history, origins, current.get());
        }
        return HistoryConversion.convert(history, originsOf(history, switches), current.get());
    }

    /** True when every known origin is the current model and unknown origins count as it too. */
    private boolean onlyCurrent(int messages) {
        ModelRef now = current.get();
        boolean unknownIsNative = now.api() == ApiKind.ANTHROPIC_MESSAGES;
        if (!unknownIsNative && switches.getFirst().fromMessage() > 0 && messages > 0) {
            return false;
        }
        return switches.stream().allMatch(s -> s.model().equals(now) || s.fromMessage() >= messages);
    }

    private static List<Optional<ModelRef>> originsOf(List<Message> history, List<Switch> switches) {
        List<Optional<ModelRef>> origins = new ArrayList<>(history.size());
        int next = 0;
        Optional<ModelRef> model = Optional.empty();
        for (int i = 0; i < history.size(); i++) {
            while (next < switches.size() && switches.get(next).fromMessage() <= i) {
                model = Optional.of(switches.get(next).model());
                next++;
            }
            origins.add(history.get(i).role() == Role.ASSISTANT ? model : Optional.empty());
        }
        return origins;
    }

    private static List<Switch> read(List<ObjectNode> records) {
        List<Switch> switches = new ArrayList<>();
        for (ObjectNode record : records) {
            if (!RECORD.equals(record.path("record").asText())) {
                continue;
            }
            Optional<ApiKind> api = ApiKind.parse(record.path("api").asText(""));
            if (api.isPresent() && record.path("model").isTextual() && record.path("from_message").canConvertToInt()) {
                switches.add(new Switch(record.get("from_message").asInt(),
                        new ModelRef(api.get(), record.get("model").asText())));
            }
        }
        return switches;
    }
}
