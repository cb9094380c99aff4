package dev.picrust.llm;

/** Why the model stopped. {@link #OTHER} covers values newer than this version. */
public enum StopReason {
    END_TURN("end_turn"),
    MAX_TOKENS("max_tokens"),
    STOP_SEQUENCE("stop_sequence"),
    TOOL_USE("tool_use"),
    PAUSE_TURN("pause_turn"),
    REFUSAL("refusal"),
    MODEL_CONTEXT_WINDOW_EXCEEDED("model_context_window_exceeded"),
    OTHER("other");

    private final String wire;

    StopReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static StopReason fromWire(String wire) {
        if (wire == null) {
            return END_TURN;
        }
        for (StopReason r : values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        return OTHER;
    }
}
