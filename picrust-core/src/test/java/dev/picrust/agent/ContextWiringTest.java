package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.context.CachePolicy;
import dev.picrust.agent.context.ContextInjection;
import dev.picrust.agent.context.ContextInjector;
import dev.picrust.agent.context.InjectionContext;
import dev.picrust.hook.HookDecision;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookRegistry;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Injected context and cache breakpoints reach the provider on every call and never the session:
 * the session file on disk is read back to prove it.
 */
class ContextWiringTest extends LoopTestBase {

    static boolean hasBreakpoint(ContentBlock block) {
        return block.extras().containsKey(CachePolicy.CACHE_CONTROL);
    }

    @Test
    void injectedContextReachesEveryRequestButNeverTheSessionFile() throws Exception {
        List<InjectionContext> contexts = new CopyOnWriteArrayList<>();
        ContextInjector injector = ctx -> {
            contexts.add(ctx);
            return Optional.of("INJECTED turn " + ctx.turn() + " call " + ctx.iteration());
        };
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(config(provider, RecordingTool.echoing("Echo", true))
                .contextInjectors(List.of(injector)).build(), "inject");
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);

        assertThat(provider.requests).hasSize(2);
        assertThat(provider.requests.get(0).messages().getLast().content().getLast())
                .isEqualTo(new TextBlock(ContextInjection.reminder("INJECTED turn 1 call 1")));
        assertThat(provider.requests.get(1).messages().getLast().content().getLast())
                .isEqualTo(new TextBlock(ContextInjection.reminder("INJECTED turn 1 call 2")));
        assertThat(contexts).allSatisfy(c -> {
            assertThat(c.sessionId()).isEqualTo("inject");
            assertThat(c.workingDirectory()).isEqualTo(work);
        });
        String file = rawHistory("inject");
        assertThat(file).contains("\"go\"").doesNotContain("INJECTED").doesNotContain("system-reminder");
        assertThat(history("inject")).allSatisfy(m -> assertThat(m.text()).doesNotContain("INJECTED"));
    }

    @Test
    void defaultCachingPutsAtMostFourBreakpointsOnToolsSystemAndHistoryAndStoresNone() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("done"));
        List<LlmRequest> seenByHooks = new CopyOnWriteArrayList<>();
        HookRegistry hooks = new HookRegistry();
        hooks.register(HookEvent.PRE_LLM_CALL, input -> {
            seenByHooks.add(((HookInput.PreLlmCall) input).request());
            return HookDecision.noOpinion();
        });
        AgentConfig config = config(provider, RecordingTool.echoing("Echo", true), RecordingTool.echoing("Other", true))
                .cachePolicy(CachePolicy.ephemeral())
                .contextInjectors(List.of(ctx -> Optional.of("fresh fact")))
                .hooks(hooks)
                .build();
        assertThat(AgentConfig.builder(provider).build().cachePolicy())
                .as("caching is on by default").isEqualTo(CachePolicy.ephemeral());
        AgentHandle h = runtime.spawn(config, "cache");
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);

        assertThat(seenByHooks).as("PreLLMCall sees the request as it is sent").isEqualTo(provider.requests);
        for (LlmRequest sent : provider.requests) {
            assertThat(CachePolicy.countBreakpoints(sent)).isBetween(1, CachePolicy.MAX_BREAKPOINTS);
            assertThat(sent.tools().getLast().extras()).containsKey(CachePolicy.CACHE_CONTROL);
            assertThat(sent.tools().getFirst().extras()).doesNotContainKey(CachePolicy.CACHE_CONTROL);
            assertThat(hasBreakpoint(sent.system().getLast())).isTrue();
            List<ContentBlock> last = sent.messages().getLast().content();
            assertThat(last.getLast()).as("the injected block comes after the breakpoint")
                    .isEqualTo(new TextBlock(ContextInjection.reminder("fresh fact")));
            assertThat(hasBreakpoint(last.get(last.size() - 2))).isTrue();
        }
        LlmRequest second = provider.requests.get(1);
        assertThat(CachePolicy.countBreakpoints(second)).isEqualTo(CachePolicy.MAX_BREAKPOINTS);
        Message firstPrompt = second.messages().getFirst();
        assertThat(hasBreakpoint(firstPrompt.content().getLast())).as("the previous user message is cached too").isTrue();

        assertThat(rawHistory("cache")).doesNotContain("cache_control").doesNotContain("fresh fact");
    }
}
