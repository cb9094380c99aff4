package dev.picrust.tool;

import java.util.List;

/**
 * A source of tools whose set may change while agents run: an MCP server adds a tool, a
 * reconnected server offers a new list. Register it with {@link ToolRegistry#register(ToolProvider)};
 * the registry asks for {@link #tools()} before every model call and on every lookup.
 *
 * <p>The creator owns the provider: closing the registry it was registered with closes it (that is
 * what stops the processes or connections behind it).
 */
public interface ToolProvider extends AutoCloseable {

    /** A short name for listings and error messages, e.g. {@code mcp}. */
    String name();

    /**
     * The tools offered now. Called before every model call, so it must be cheap. Return the
     * <em>same list instance</em> while the set is unchanged: the registry recomputes the model's
     * tool definitions only when the instance changes.
     */
    List<Tool> tools();

    /** Releases what the provider holds (processes, connections). Must not throw. */
    @Override
    void close();
}
