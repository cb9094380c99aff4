package dev.picrust.tool;

import dev.picrust.llm.ToolDefinition;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The tools an agent offers, by name. Thread-safe; order of registration is kept for the model. */
public final class ToolRegistry {
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,128}$");

    private final Map<String, Tool> tools = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    /** {@link #definitions()} as of the last registration change; read before every model call. */
    private volatile List<ToolDefinition> definitions;

    public ToolRegistry register(Tool tool) {
        if (!NAME.matcher(tool.name()).matches()) {
            throw new IllegalArgumentException("invalid tool name: '" + tool.name() + "'");
        }
        if (tools.putIfAbsent(tool.name(), tool) != null) {
            throw new IllegalArgumentException("a tool named '" + tool.name() + "' is already registered");
        }
        definitions = null;
        return this;
    }

    public ToolRegistry registerAll(Collection<? extends Tool> more) {
        more.forEach(this::register);
        return this;
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public boolean remove(String name) {
        boolean removed = tools.remove(name) != null;
        definitions = null;
        return removed;
    }

    public List<Tool> tools() {
        synchronized (tools) {
            return List.copyOf(tools.values());
        }
    }

    /**
     * The tools as the model sees them, in registration order. Computed once per registration
     * change: a tool's {@link Tool#definition()} is taken to be fixed while it is registered.
     */
    public List<ToolDefinition> definitions() {
        List<ToolDefinition> cached = definitions;
        if (cached == null) {
            synchronized (tools) {
                cached = tools.values().stream().map(Tool::definition).toList();
                definitions = cached;
            }
        }
        return cached;
    }

    /** A registry holding only the named tools of this one (for subagents); unknown names are ignored. */
    public ToolRegistry subset(Collection<String> names) {
        ToolRegistry subset = new ToolRegistry();
        tools().stream().filter(t -> names.contains(t.name())).forEach(subset::register);
        return subset;
    }

    public int size() {
        return tools.size();
    }

}
