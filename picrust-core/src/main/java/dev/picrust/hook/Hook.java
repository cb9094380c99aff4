package dev.picrust.hook;

/**
 * Code that runs at a {@link HookEvent}. Hooks run on a virtual thread with a timeout; they may
 * block. A hook that throws or overruns is handled by its {@link FailurePolicy} and reported.
 *
 * <p>A hook should honour thread interruption: it is interrupted when its timeout passes.
 */
@FunctionalInterface
public interface Hook {
    HookDecision apply(HookInput input) throws Exception;
}
