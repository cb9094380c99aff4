package dev.picrust.agent;

/** What happens to user input that arrives while a turn is running. */
public enum InputDelivery {
    /**
     * Delivered at the next safe point of the running turn: after the current tool batch, as text
     * blocks in the same user message as the tool results, so the model sees it before its next step.
     * If the turn ends without another tool batch, the input starts the next turn.
     */
    STEER,
    /** Kept until the turn ends, then processed as the next turn, in arrival order. */
    FOLLOW_UP
}
