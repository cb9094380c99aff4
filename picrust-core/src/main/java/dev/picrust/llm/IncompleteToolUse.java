package dev.picrust.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.util.Locale;
import java.util.Objects;

/**
 * A tool call the model sent that cannot be run as it is, with why: its input was {@linkplain
 * Defect.CutOff cut off} (the answer hit its output limit mid-input), or it is complete but
 * {@linkplain Defect.Malformed malformed} (not JSON, not an object, or beyond the parser's limits). Never
 * executed and never written to history with this input. {@code partialInputJson} is the input as
 * streamed.
 */
public record IncompleteToolUse(String id, String name, String partialInputJson, Defect defect) {
    /** How much of a parser's message is kept: the model needs the gist, not a wall of text. */
    private static final int MAX_WHY_CHARS = 240;

    public IncompleteToolUse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(partialInputJson, "partialInputJson");
        Objects.requireNonNull(defect, "defect");
    }

    /** A call cut off mid-input. */
    public IncompleteToolUse(String id, String name, String partialInputJson) {
        this(id, name, partialInputJson, new Defect.CutOff());
    }

    /** Why a tool call cannot be run. */
    public sealed interface Defect {
        /** The answer ended (its output limit) before the call's input did. */
        record CutOff() implements Defect {}

        /** The input is complete but unusable; {@code why} is short, for the model ("not valid JSON: ..."). */
        record Malformed(String why) implements Defect {
            public Malformed {
                Objects.requireNonNull(why, "why");
            }

            /** What the parser said about {@code input}, kept short. */
            public static Malformed of(JsonProcessingException e) {
                if (e instanceof StreamConstraintsException) {
                    return new Malformed("larger than the parser accepts (" + shortened(e.getOriginalMessage()) + ")");
                }
                String where = e.getLocation() == null ? ""
                        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
                return new Malformed("not valid JSON: " + shortened(e.getOriginalMessage()) + where);
            }

            /** Valid JSON, but not the object a tool input must be. */
            public static Malformed notAnObject(JsonNode parsed) {
                String kind = parsed == null ? "nothing" : "a JSON " + parsed.getNodeType().name().toLowerCase(Locale.ROOT);
                return new Malformed(kind + ", not a JSON object");
            }
        }
    }

    /**
     * Parses a streamed tool input: a JSON object, or the reason it is not one. Blank text is {@code {}}
     * (a call without arguments).
     */
    public static ParsedInput parseInput(String json) {
        if (json.isBlank()) {
            return new ParsedInput.Parsed(Json.object());
        }
        try {
            JsonNode parsed = Json.parse(json);
            return parsed != null && parsed.isObject() ? new ParsedInput.Parsed(parsed)
                    : new ParsedInput.Unusable(Defect.Malformed.notAnObject(parsed));
        } catch (JsonProcessingException e) {
            return new ParsedInput.Unusable(Defect.Malformed.of(e));
        }
    }

    /** What {@link #parseInput} found. */
    public sealed interface ParsedInput {
        record Parsed(JsonNode input) implements ParsedInput {}

        record Unusable(Defect.Malformed defect) implements ParsedInput {}
    }

    private static String shortened(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_WHY_CHARS ? oneLine : oneLine.substring(0, MAX_WHY_CHARS) + "...";
    }
}
