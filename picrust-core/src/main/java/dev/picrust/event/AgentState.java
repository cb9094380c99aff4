package dev.picrust.event;

/** What an agent is doing right now. Runtime-only; not persisted. */
public sealed interface AgentState {

    record Idle() implements AgentState {}

    record Processing() implements AgentState {}

    record ExecutingTool(String toolName, String toolUseId) implements AgentState {}

    record WaitingForPermission(String requestId, String toolName) implements AgentState {}

    record WaitingForAnswer(String requestId) implements AgentState {}

    record WaitingForSubagent(String sessionId) implements AgentState {}

    /** The agent has stopped for good (shutdown). */
    record Done() implements AgentState {}

    /** The agent has stopped for good because it failed. */
    record Error(String message) implements AgentState {}

    AgentState IDLE = new Idle();
    AgentState PROCESSING = new Processing();
    AgentState DONE = new Done();

    /** Wire name used in {@code state_change} chunks. */
    default String wireName() {
        return switch (this) {
            case Idle s -> "Idle";
            case Processing s -> "Processing";
            case ExecutingTool s -> "ExecutingTool";
            case WaitingForPermission s -> "WaitingForPermission";
            case WaitingForAnswer s -> "WaitingForAnswer";
            case WaitingForSubagent s -> "WaitingForSubagent";
            case Done s -> "Done";
            case Error s -> "Error";
        };
    }

    default boolean isTerminal() {
        return this instanceof Done || this instanceof Error;
    }
}
