package dev.picrust.hook;

import dev.picrust.Cancellation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hooks of an agent (or of a whole runtime: the registry is thread-safe and may be shared).
 *
 * <p>{@link #run} runs the hooks of an event that match, one after another in registration order,
 * each on its own virtual thread with its own timeout. A later hook sees the input as modified by
 * the earlier ones. A hook that throws, overruns or answers nonsense is handled by its
 * {@link FailurePolicy} and listed in {@link HookOutcome#failures()}; {@code run} itself never throws.
 */
public final class HookRegistry {
    /** An empty registry. */
    public HookRegistry() {}

    /** Timeout of a hook registered without one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final List<HookRegistration> registrations = new CopyOnWriteArrayList<>();
    private final AtomicInteger unnamed = new AtomicInteger();

    /** Registers {@code hook} for tool or target names matching {@code matcher} (anchored regex; {@code .*} for all). */
    public HookRegistration register(HookEvent event, String matcher, Hook hook) {
        return register(event, matcher, hook, HookOptions.defaults());
    }

    /** Registers a hook for every occurrence of {@code event}. */
    public HookRegistration register(HookEvent event, Hook hook) {
        return register(event, ".*", hook, HookOptions.defaults());
    }

    public HookRegistration register(HookEvent event, Hook hook, HookOptions options) {
        return register(event, ".*", hook, options);
    }

    public HookRegistration register(HookEvent event, String matcher, Hook hook, HookOptions options) {
        String name = options.name().orElseGet(() -> event.wireName() + "#" + unnamed.incrementAndGet()
                + (matcher.isBlank() || matcher.equals(".*") || matcher.equals("*") ? "" : "(" + matcher + ")"));
        HookRegistration registration = new HookRegistration(name, event, HookRegistration.compileMatcher(matcher),
                options.timeout().orElse(DEFAULT_TIMEOUT),
                options.failurePolicy().orElse(event.defaultFailurePolicy()), hook);
        registrations.add(registration);
        return registration;
    }

    public boolean unregister(HookRegistration registration) {
        return registrations.remove(registration);
    }

    /** The registrations, in the order they run. */
    public List<HookRegistration> registrations() {
        return List.copyOf(registrations);
    }

    /** True if at least one hook would run for {@code input}; lets the loop skip building expensive inputs. */
    public boolean hasHooksFor(HookEvent event) {
        for (HookRegistration r : registrations) {  // several times per model call: no stream
            if (r.event() == event) {
                return true;
            }
        }
        return false;
    }

    public HookOutcome run(HookInput input) {
        return run(input, Cancellation.none());
    }

    /**
     * Runs the matching hooks for {@code input}. If {@code cancellation} fires, the running hook is
     * interrupted, the rest are skipped, and the outcome says {@code cancelled}.
     */
    public HookOutcome run(HookInput input, Cancellation cancellation) {
        OutcomeCollector collector = new OutcomeCollector(input);
        for (HookRegistration hook : registrations) {
            if (!hook.appliesTo(collector.current())) {
                continue;
            }
            if (cancellation.isCancelled()) {
                collector.cancelled();
                break;
            }
            if (!runOne(hook, collector, cancellation)) {
                collector.cancelled();
                break;
            }
        }
        return collector.outcome();
    }

    /** Runs one hook into {@code collector}; false if the run was cancelled or interrupted. */
    private static boolean runOne(HookRegistration hook, OutcomeCollector collector, Cancellation cancellation) {
        HookInput input = collector.current();
        CompletableFuture<HookDecision> result = new CompletableFuture<>();
        long start = System.nanoTime();
        Thread worker = Thread.ofVirtual().name("hook " + hook.name()).start(() -> {
            try {
                result.complete(hook.hook().apply(input));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        Cancellation.Registration onCancel = cancellation.onCancel(() -> result.cancel(false));
        try {
            HookDecision decision = result.get(hook.timeout().toNanos(), TimeUnit.NANOSECONDS);
            collector.accept(hook, decision, elapsedSince(start));
            return true;
        } catch (TimeoutException e) {
            worker.interrupt();
            collector.failedToRun(hook, HookFailure.Kind.TIMED_OUT, "no answer after " + format(hook.timeout()),
                    elapsedSince(start));
            return true;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            HookFailure.Kind kind = cause instanceof CommandHook.CommandHookException c ? c.kind() : HookFailure.Kind.THREW;
            collector.failedToRun(hook, kind, describe(cause), elapsedSince(start));
            return true;
        } catch (CancellationException e) {
            worker.interrupt();
            return false;
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return false;
        } finally {
            onCancel.close();
        }
    }

    private static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof CommandHook.CommandHookException) {
            return message;
        }
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
