package dev.picrust.tool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ToolDefinition;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ToolRegistryTest {

    record NamedTool(String name) implements Tool {
        @Override
        public String description() {
            return "tool " + name;
        }

        @Override
        public JsonNode inputSchema() {
            return Json.object().put("type", "object");
        }

        @Override
        public ToolResult execute(JsonNode input, ToolContext context) {
            return ToolResult.text(name);
        }
    }

    static final class ChangingProvider implements ToolProvider {
        volatile List<Tool> tools;
        final AtomicBoolean closed = new AtomicBoolean();

        ChangingProvider(String... names) {
            offer(names);
        }

        void offer(String... names) {
            tools = java.util.Arrays.stream(names).<Tool>map(NamedTool::new).toList();
        }

        @Override
        public String name() {
            return "changing";
        }

        @Override
        public List<Tool> tools() {
            return tools;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void providerToolsFollowRegisteredOnesAndChangeWithTheProvider() {
        ChangingProvider provider = new ChangingProvider("mcp__a__x");
        ToolRegistry registry = new ToolRegistry().register(new NamedTool("Read")).register(provider);

        assertThat(registry.definitions()).extracting(ToolDefinition::name).containsExactly("Read", "mcp__a__x");
        assertThat(registry.find("mcp__a__x")).isPresent();

        provider.offer("mcp__a__x", "mcp__a__y");

        assertThat(registry.definitions()).extracting(ToolDefinition::name)
                .containsExactly("Read", "mcp__a__x", "mcp__a__y");
        assertThat(registry.find("mcp__a__y")).isPresent();
        assertThat(registry.size()).isEqualTo(3);
    }

    @Test
    void definitionsAreReusedWhileTheProviderListIsTheSameInstance() {
        ToolRegistry registry = new ToolRegistry().register(new ChangingProvider("a", "b"));

        assertThat(registry.definitions()).isSameAs(registry.definitions());
    }

    @Test
    void aProviderToolCannotShadowARegisteredToolOrAnEarlierProvider() {
        ToolRegistry registry = new ToolRegistry().register(new NamedTool("Read"))
                .register(new ChangingProvider("Read", "x"))
                .register(new ChangingProvider("x", "y"));

        assertThat(registry.tools()).extracting(Tool::name).containsExactly("Read", "x", "y");
        assertThat(registry.find("Read")).get().isInstanceOf(NamedTool.class)
                .extracting(Tool::description).isEqualTo("tool Read");
    }

    @Test
    void closingTheRegistryClosesItsProvidersButNotThoseOfTheOriginalThroughACopy() {
        ChangingProvider provider = new ChangingProvider("x");
        ToolRegistry registry = new ToolRegistry().register(provider);
        ToolRegistry copy = registry.copy().register(new NamedTool("Task"));

        assertThat(copy.tools()).extracting(Tool::name).containsExactly("Task", "x");
        assertThat(registry.find("Task")).isEmpty();
        copy.close();
        assertThat(provider.closed).isFalse();
        registry.close();
        assertThat(provider.closed).isTrue();
    }

    @Test
    void removingAToolInvalidatesTheDefinitions() {
        ToolRegistry registry = new ToolRegistry().register(new NamedTool("a")).register(new NamedTool("b"));
        registry.definitions();
        registry.remove("a");

        assertThat(registry.definitions()).extracting(ToolDefinition::name).containsExactly("b");
    }
}
