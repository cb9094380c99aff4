package dev.picrust.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.StopReason;
import dev.picrust.permission.PermissionMode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StopGuardTest {
    static final HookContext CTX = new HookContext("s", "t", Path.of("/tmp"), PermissionMode.DEFAULT);

    static HookOutcome stopOutcome(HookRegistry registry, boolean active) {
        return registry.run(new HookInput.Stop(CTX, StopReason.END_TURN, "done", active));
    }

    @Test
    void continuesUpToTheLimitThenLetsTheTurnEnd() {
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.STOP, in -> HookDecision.keepWorking("not finished"));
        StopGuard guard = new StopGuard();
        assertThat(guard.active()).isFalse();
        for (int i = 1; i <= 3; i++) {
            StopGuard.Action v = guard.evaluate(stopOutcome(registry, guard.active()));
            assertThat(v).isEqualTo(new StopGuard.Action.Continue("not finished", i));
            assertThat(guard.active()).isTrue();
        }
        assertThat(guard.evaluate(stopOutcome(registry, true)))
                .isEqualTo(new StopGuard.Action.LimitReached("not finished", 3));

        guard.reset();
        assertThat(guard.active()).isFalse();
        assertThat(guard.evaluate(stopOutcome(registry, false))).isInstanceOf(StopGuard.Action.Continue.class);
    }

    @Test
    void hooksSeeStopHookActiveAndCanRelent() {
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.STOP, in -> ((HookInput.Stop) in).stopHookActive()
                ? HookDecision.noOpinion() : HookDecision.keepWorking("one more check"));
        StopGuard guard = new StopGuard(5);
        assertThat(guard.evaluate(stopOutcome(registry, guard.active())))
                .isEqualTo(new StopGuard.Action.Continue("one more check", 1));
        assertThat(guard.evaluate(stopOutcome(registry, guard.active()))).isEqualTo(new StopGuard.Action.End());
        assertThat(guard.active()).isFalse();
    }

    @Test
    void zeroLimitNeverContinuesAndStopRequestEnds() {
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.STOP, in -> HookDecision.keepWorking("again"));
        assertThat(new StopGuard(0).evaluate(stopOutcome(registry, false)))
                .isInstanceOf(StopGuard.Action.LimitReached.class);
        registry.register(HookEvent.STOP, in -> HookDecision.stop("halt"));
        assertThat(new StopGuard().evaluate(stopOutcome(registry, false))).isEqualTo(new StopGuard.Action.End());
        assertThat(new StopGuard().evaluate(HookOutcome.none(HookEvent.STOP))).isEqualTo(new StopGuard.Action.End());
    }
}
