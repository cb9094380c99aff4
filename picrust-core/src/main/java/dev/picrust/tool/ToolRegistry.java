package dev.picrust.tool;

import dev.picrust.llm.ToolDefinition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The tools an agent offers, by name: tools registered one by one, then the tools of registered
 * {@link ToolProvider}s (which may change between model calls). Thread-safe; order of registration
 * is kept for the model. A provider's tool whose name is already taken (by a registered tool or an
 * earlier provider) is left out, so a lookup always finds the tool the model was shown.
 */
public final class ToolRegistry implements AutoCloseable {
    /** An empty registry. */
    public ToolRegistry() {}

    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,128}$");

    /** Guards {@link #tools}; a lock rather than a monitor, so no virtual thread pins on it (JDK 21-23). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final List<ToolProvider> providers = new CopyOnWriteArrayList<>();
    /** {@link #tools()} and {@link #definitions()} as of the last change; read before every model call. */
    private volatile Snapshot snapshot;
    /** Bumped by every registration change, so a snapshot built meanwhile is not taken as current. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    /** The combined view, and what it was built from (provider lists compared by identity). */
    private record Snapshot(List<Tool> tools, Map<String, Tool> byName, List<ToolDefinition> definitions,
                            long changes, List<List<Tool>> providerLists) {}

    public ToolRegistry register(Tool tool) {
        if (!NAME.matcher(tool.name()).matches()) {
            throw new IllegalArgumentException("invalid tool name: '" + tool.name() + "'");
        }
        lock.lock();
        try {
            if (tools.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("a tool named '" + tool.name() + "' is already registered");
            }
            changes.incrementAndGet();
        } finally {
            lock.unlock();
        }
        return this;
    }

    public ToolRegistry registerAll(Collection<? extends Tool> more) {
        more.forEach(this::register);
        return this;
    }

    /** Adds a provider whose tools follow the registered ones; {@link #close()} closes it. */
    public ToolRegistry register(ToolProvider provider) {
        providers.add(provider);
        changes.incrementAndGet();
        return this;
    }

    public List<ToolProvider> providers() {
        return List.copyOf(providers);
    }

    public Optional<Tool> find(String name) {
        Tool own;
        lock.lock();
        try {
            own = tools.get(name);
        } finally {
            lock.unlock();
        }
        if (own != null || providers.isEmpty()) {
            return Optional.ofNullable(own);
        }
        return Optional.ofNullable(current().byName().get(name));
    }

    public boolean remove(String name) {
        lock.lock();
        try {
            boolean removed = tools.remove(name) != null;
            changes.incrementAndGet();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Registered tools, then the providers' current tools. */
    public List<Tool> tools() {
        return current().tools();
    }

    /**
     * The tools as the model sees them, in registration order. Recomputed only when a tool is
     * registered or removed or a provider returns a different list: a tool's {@link Tool#definition()}
     * is taken to be fixed while it is offered.
     */
    public List<ToolDefinition> definitions() {
        return current().definitions();
    }

    /**
     * A registry holding only the named tools of this one (for subagents); unknown names are ignored.
     * Provider tools are copied as they are now.
     */
    public ToolRegistry subset(Collection<String> names) {
        ToolRegistry subset = new ToolRegistry();
        tools().stream().filter(t -> names.contains(t.name())).forEach(subset::register);
        return subset;
    }

    /**
     * A registry with the same registered tools and the same providers, to which more tools can be
     * added without changing this one. Closing the copy does not close the shared providers.
     */
    public ToolRegistry copy() {
        ToolRegistry copy = new ToolRegistry();
        lock.lock();
        try {
            copy.tools.putAll(tools);
        } finally {
            lock.unlock();
        }
        copy.providers.addAll(providers.stream().map(ToolRegistry::shared).toList());
        return copy;
    }

    public int size() {
        return tools().size();
    }

    /** Closes every provider (stopping the processes and connections behind their tools). */
    @Override
    public void close() {
        for (ToolProvider provider : providers) {
            provider.close();
        }
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long version = changes.get();
        if (s != null && s.changes() == version && unchanged(s.providerLists())) {
            return s;
        }
        List<List<Tool>> lists = providers.stream().map(ToolProvider::tools).toList();
        Map<String, Tool> byName = new LinkedHashMap<>();
        lock.lock();
        try {
            byName.putAll(tools);
        } finally {
            lock.unlock();
        }
        for (List<Tool> list : lists) {
            for (Tool t : list) {
                if (NAME.matcher(t.name()).matches()) {
                    byName.putIfAbsent(t.name(), t);
                }
            }
        }
        List<Tool> all = List.copyOf(byName.values());
        s = new Snapshot(all, byName, all.stream().map(Tool::definition).toList(), version, lists);
        snapshot = s;
        return s;
    }

    private boolean unchanged(List<List<Tool>> seen) {
        if (seen.size() != providers.size()) {
            return false;
        }
        for (int i = 0; i < seen.size(); i++) {
            if (providers.get(i).tools() != seen.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** A view of a provider owned by another registry: closing it does nothing. */
    private static ToolProvider shared(ToolProvider provider) {
        return new ToolProvider() {
            @Override
            public String name() {
                return provider.name();
            }

            @Override
            public List<Tool> tools() {
                return provider.tools();
            }

            @Override
            public void close() {
                // owned by the registry it was registered with
            }
        };
    }
}
