package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.Role;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code history.jsonl} as read back: messages, state, records, and what was wrong with it.
 *
 * <p>Damage never leaves a history the model would refuse. A line that is not valid UTF-8 is decoded
 * with replacement characters; a line that is not a record is skipped; and because a skipped line in
 * the middle can part a tool call from its result, the messages are then repaired the way a crash at
 * the end of the file is: a tool call followed by no result gets an error result, a result whose call
 * is gone is left out. The file itself is never rewritten (it is append-only); the repair is made
 * again, the same way, on every load. The last message is left as it is: a tool call at the very end
 * is the agent loop's to recover (it knows whether the call had started).
 */
record LoadedHistory(List<Message> messages, Map<String, JsonNode> state, List<ObjectNode> records,
                     List<String> warnings, UsageTotals usage) {

    /** What a repaired tool call's result says to the model. */
    static final String LOST_RESULT = "The result of this tool call was lost: its line in the session history "
            + "was damaged. It may or may not have taken effect; check before repeating it.";

    static LoadedHistory read(Path file) throws IOException {
        List<Message> messages = new ArrayList<>();
        Map<String, JsonNode> state = new LinkedHashMap<>();
        List<ObjectNode> records = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        UsageTotals[] usage = {UsageTotals.ZERO};
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return new LoadedHistory(List.of(), Map.of(), List.of(), List.of(), UsageTotals.ZERO);
        }
        try (InputStream in = new BufferedInputStream(raw, 64 * 1024)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int number = 0;
            boolean more = true;
            while (more) {
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    line.write(b);
                }
                more = b != -1;
                if (!more && line.size() == 0) {
                    break;
                }
                number++;
                byte[] bytes = line.toByteArray();
                line.reset();
                readLine(file, number, bytes, messages, state, records, warnings, usage);
            }
        }
        List<Message> repaired = repairPairs(messages, warnings);
        return new LoadedHistory(repaired, state, records, warnings, usage[0]);
    }

    private static void readLine(Path file, int number, byte[] bytes, List<Message> messages,
                                 Map<String, JsonNode> state, List<ObjectNode> records, List<String> warnings,
                                 UsageTotals[] usage) {
        String text = decode(bytes, file, number, warnings);
        if (text.isBlank()) {
            return;
        }
        try {
            JsonNode node = Json.parse(text);
            if (node.has("record")) {
                String kind = node.get("record").asText();
                if (kind.equals("state")) {
                    JsonNode value = node.get("value");
                    if (value == null || value.isNull()) {
                        state.remove(node.path("key").asText());
                    } else {
                        state.put(node.path("key").asText(), value);
                    }
                } else if (kind.equals(AgentSession.USAGE_RECORD)) {
                    usage[0] = usage[0].plus(UsageTotals.fromJson(node));
                } else {
                    records.add((ObjectNode) node);
                }
            } else {
                messages.add(MessageCodec.fromJson(node));
                JsonNode used = node.get("usage");
                if (used != null && used.isObject()) {
                    usage[0] = usage[0].plus(UsageTotals.fromJson(used));  // what the call that wrote this message used
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.add("skipped unreadable line " + number + " of " + file + " (" + text.length() + " chars): "
                    + firstLine(e.getMessage()));
        }
    }

    /** UTF-8, with invalid bytes replaced (and reported) rather than making the session unreadable. */
    private static String decode(byte[] bytes, Path file, int number, List<String> warnings) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            warnings.add("line " + number + " of " + file + " is not valid UTF-8; the bad bytes were replaced by \uFFFD");
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Pairs every tool call with a result in the message after it, except in the last message. Results
     * of calls that are not in the message before are left out; a message left empty goes.
     */
    static List<Message> repairPairs(List<Message> messages, List<String> warnings) {
        List<Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            Set<String> calls = new HashSet<>();
            Message previous = out.isEmpty() ? null : out.getLast();
            if (previous != null && previous.role() == Role.ASSISTANT) {
                previous.toolUses().forEach(use -> calls.add(use.id()));
            }
            if (message.role() == Role.USER && !message.toolResults().isEmpty()) {
                List<ContentBlock> kept = new ArrayList<>();
                for (ContentBlock block : message.content()) {
                    if (block instanceof ToolResultBlock result && !calls.contains(result.toolUseId())) {
                        warnings.add("left out the result of tool call " + result.toolUseId() + " (message "
                                + (i + 1) + "): the call it answers was lost");
                    } else {
                        kept.add(block);
                    }
                }
                if (kept.isEmpty()) {
                    continue;
                }
                message = kept.size() == message.content().size() ? message : new Message(Role.USER, kept);
            }
            if (message.role() == Role.ASSISTANT && !message.toolUses().isEmpty() && i < messages.size() - 1) {
                out.add(message);
                Message next = messages.get(i + 1);
                Set<String> answered = new HashSet<>();
                if (next.role() == Role.USER) {
                    next.toolResults().forEach(r -> answered.add(r.toolUseId()));
                }
                List<ContentBlock> missing = new ArrayList<>();
                for (ToolUseBlock use : message.toolUses()) {
                    if (!answered.contains(use.id())) {
                        missing.add(ToolResultBlock.text(use.id(), LOST_RESULT, true));
                        warnings.add("tool call " + use.id() + " (" + use.name() + ", message " + (i + 1)
                                + ") had no result; it is answered as lost");
                    }
                }
                if (!missing.isEmpty()) {
                    if (next.role() == Role.USER) {
                        List<ContentBlock> merged = new ArrayList<>(missing);
                        merged.addAll(next.content());
                        messages = new ArrayList<>(messages);
                        messages.set(i + 1, new Message(Role.USER, merged));
                    } else {
                        out.add(new Message(Role.USER, missing));
                    }
                }
                continue;
            }
            out.add(message);
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
