package dev.picrust.tool;

import dev.picrust.llm.ToolDefinition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/** The tools an agent offers, by name. Thread-safe; order of registration is kept for the model. */
public final class ToolRegistry {
    /** An empty registry. */
    public ToolRegistry() {}

    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,128}$");

    /** Guards {@link #tools}; a lock rather than a monitor, so no virtual thread pins on it (JDK 21-23). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    /** {@link #definitions()} as of the last registration change; read before every model call. */
    private volatile List<ToolDefinition> definitions;

    public ToolRegistry register(Tool tool) {
        if (!NAME.matcher(tool.name()).matches()) {
            throw new IllegalArgumentException("invalid tool name: '" + tool.name() + "'");
        }
        lock.lock();
        try {
            if (tools.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("a tool named '" + tool.name() + "' is already registered");
            }
            definitions = null;
        } finally {
            lock.unlock();
        }
        return this;
    }

    public ToolRegistry registerAll(Collection<? extends Tool> more) {
        more.forEach(this::register);
        return this;
    }

    public Optional<Tool> find(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(tools.get(name));
        } finally {
            lock.unlock();
        }
    }

    public boolean remove(String name) {
        lock.lock();
        try {
            boolean removed = tools.remove(name) != null;
            definitions = null;
            return removed;
        } finally {
            lock.unlock();
        }
    }

    public List<Tool> tools() {
        lock.lock();
        try {
            return List.copyOf(tools.values());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The tools as the model sees them, in registration order. Computed once per registration
     * change: a tool's {@link Tool#definition()} is taken to be fixed while it is registered.
     */
    public List<ToolDefinition> definitions() {
        List<ToolDefinition> cached = definitions;
        if (cached == null) {
            lock.lock();
            try {
                cached = tools.values().stream().map(Tool::definition).toList();
                definitions = cached;
            } finally {
                lock.unlock();
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
        lock.lock();
        try {
            return tools.size();
        } finally {
            lock.unlock();
        }
    }

}
