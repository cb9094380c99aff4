package dev.picrust.hook;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps Stop hooks from holding an agent in a loop. Each time the Stop hooks ask the agent to keep
 * working, the guard counts; after {@code maxConsecutiveContinues} such requests in a row (with no
 * new user prompt in between) it lets the turn end anyway.
 *
 * <p>Loop protocol, per agent: call {@link #reset()} when a user prompt starts a turn; pass
 * {@link #active()} as {@code stopHookActive} in the Stop hook input; hand the Stop outcome to
 * {@link #evaluate} and act on the action. Thread-safe, but meant for one agent.
 */
public final class StopGuard {
    /** Consecutive continues allowed when no limit is given. */
    public static final int DEFAULT_MAX_CONSECUTIVE_CONTINUES = 3;

    private final int maxConsecutiveContinues;
    private final ReentrantLock lock = new ReentrantLock();
    private int consecutive;

    /** What the loop does after the Stop hooks ran. */
    public sealed interface Action {
        /** End the turn normally. */
        record End() implements Action {}

        /**
         * Do not end the turn: append {@code instruction} as a user message and call the model
         * again. {@code count} is how many consecutive continues this is (1-based).
         */
        record Continue(String instruction, int count) implements Action {}

        /**
         * A hook asked to continue but the limit is reached: end the turn and tell the user
         * (e.g. a {@code status} chunk {@code stop_hook_limit}).
         */
        record LimitReached(String instruction, int limit) implements Action {}
    }

    public StopGuard() {
        this(DEFAULT_MAX_CONSECUTIVE_CONTINUES);
    }

    public StopGuard(int maxConsecutiveContinues) {
        if (maxConsecutiveContinues < 0) {
            throw new IllegalArgumentException("maxConsecutiveContinues must be >= 0");
        }
        this.maxConsecutiveContinues = maxConsecutiveContinues;
    }

    public int maxConsecutiveContinues() {
        return maxConsecutiveContinues;
    }

    /** A user prompt started a new turn: the count starts again. */
    public void reset() {
        lock.lock();
        try {
            consecutive = 0;
        } finally {
            lock.unlock();
        }
    }

    /** True while the agent works on because a Stop hook asked it to ({@code stop_hook_active}). */
    public boolean active() {
        lock.lock();
        try {
            return consecutive > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Decides what the loop does with a Stop (or SubagentStop) outcome, counting continues. */
    public Action evaluate(HookOutcome stopOutcome) {
        lock.lock();
        try {
            if (stopOutcome.stopRequested() || stopOutcome.keepWorking().isEmpty()) {
                consecutive = 0;
                return new Action.End();
            }
            String instruction = stopOutcome.keepWorking().get();
            if (consecutive >= maxConsecutiveContinues) {
                return new Action.LimitReached(instruction, maxConsecutiveContinues);
            }
            consecutive++;
            return new Action.Continue(instruction, consecutive);
        } finally {
            lock.unlock();
        }
    }
}
