package dev.picrust.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionState;
import dev.picrust.session.SessionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link ToolContext} for tests: a working directory and a real session under a temp folder,
 * per-agent resources kept in a map (closed by {@link #closeResources()}, as when an agent stops),
 * every emitted chunk recorded, and a {@link UserQuestions} that is headless unless replaced.
 */
public final class TestToolContext implements ToolContext {
    public static final String SESSION_ID = "test-session";

    private final Path workingDirectory;
    private final SessionStore store;
    private final AgentSession session;
    private final List<OutputChunk> chunks = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, Object> resources = new ConcurrentHashMap<>();
    private final List<Consumer<OutputChunk>> listeners = new CopyOnWriteArrayList<>();
    private volatile PathResolver resolver;
    private volatile Cancellation cancellation = new Cancellation();
    private volatile UserQuestions questions = headless();
    private volatile String toolUseId = "toolu_test";
    private volatile String toolName = "Test";
    private volatile Sandbox sandbox = new Sandbox.Unconfined("no sandbox configured");
    private volatile ToolEnvironment environment = ToolEnvironment.defaults();
    private volatile Predicate<Path> readable = p -> true;

    private TestToolContext(Path workingDirectory, SessionStore store, AgentSession session) {
        this.workingDirectory = workingDirectory;
        this.store = store;
        this.session = session;
        this.resolver = PathResolver.unconfined(workingDirectory);
    }

    /** Working directory {@code tempDir/work}, sessions under {@code tempDir/sessions}. */
    public static TestToolContext in(Path tempDir) {
        try {
            Path work = Files.createDirectories(tempDir.resolve("work"));
            SessionStore store = SessionStore.at(tempDir.resolve("sessions"));
            AgentSession session = store.create(SessionMetadata.create(SESSION_ID, "test", "model", "provider"));
            return new TestToolContext(work.toRealPath(), store, session);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The same session reopened, as by an agent resumed after {@code previous} stopped: a new
     * context with no per-agent resources. {@code previous}'s session is closed first.
     */
    public static TestToolContext resumed(Path tempDir, TestToolContext previous) {
        previous.session.close();
        SessionStore store = SessionStore.at(tempDir.resolve("sessions"));
        return new TestToolContext(previous.workingDirectory, store, store.open(SESSION_ID));
    }

    public TestToolContext confinedTo(Path... roots) {
        this.resolver = PathResolver.confined(workingDirectory, List.of(roots));
        return this;
    }

    /** Shell commands run in {@code value}. */
    public TestToolContext sandboxed(Sandbox value) {
        this.sandbox = value;
        return this;
    }

    public TestToolContext environment(ToolEnvironment value) {
        this.environment = value;
        return this;
    }

    /** Files the Read rules let this call read. */
    public TestToolContext readable(Predicate<Path> value) {
        this.readable = value;
        return this;
    }

    @Override
    public Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public ToolEnvironment environment() {
        return environment;
    }

    @Override
    public boolean mayRead(Path file) {
        return readable.test(file);
    }

    public TestToolContext answering(UserQuestions answerer) {
        this.questions = answerer;
        return this;
    }

    public TestToolContext call(String id, String name) {
        this.toolUseId = id;
        this.toolName = name;
        return this;
    }

    /** A fresh cancellation signal (for the next call). */
    public TestToolContext newTurn() {
        this.cancellation = new Cancellation();
        return this;
    }

    /** Calls {@code listener} for every chunk emitted from now on (on the emitting thread). */
    public void onChunk(Consumer<OutputChunk> listener) {
        listeners.add(listener);
    }

    /** Runs {@code tool} with JSON input text, as the executor would (after its own checks). */
    public ToolResult run(Tool tool, String inputJson) throws Exception {
        return run(tool, Json.parse(inputJson));
    }

    /**
     * Runs {@code tool} as the executor would; then, as a turn does before it reports done, waits
     * until whatever the tool wrote to the session "with the next" line is durable.
     */
    public ToolResult run(Tool tool, JsonNode input) throws Exception {
        call("toolu_" + tool.name().toLowerCase(java.util.Locale.ROOT), tool.name());
        try {
            return tool.execute(input, this);
        } finally {
            session.awaitDurable();
        }
    }

    public List<OutputChunk> chunks() {
        return List.copyOf(chunks);
    }

    public <T extends OutputChunk> List<T> chunks(Class<T> type) {
        return chunks.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public String progressText() {
        StringBuilder out = new StringBuilder();
        chunks(OutputChunk.ToolProgress.class).forEach(p -> out.append(p.output()));
        return out.toString();
    }

    public AgentSession session() {
        return session;
    }

    public SessionStore store() {
        return store;
    }

    /** Closes the per-agent resources that are {@link AutoCloseable}, as the runtime does when an agent stops. */
    public void closeResources() throws Exception {
        for (Object resource : resources.values()) {
            if (resource instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        resources.clear();
    }

    @Override
    public String sessionId() {
        return SESSION_ID;
    }

    @Override
    public String toolUseId() {
        return toolUseId;
    }

    @Override
    public String toolName() {
        return toolName;
    }

    @Override
    public Path workingDirectory() {
        return workingDirectory;
    }

    @Override
    public Path resolvePath(String path) throws ToolException {
        return resolver.resolve(path);
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public void emit(OutputChunk chunk) {
        chunks.add(chunk);
        listeners.forEach(l -> l.accept(chunk));
    }

    @Override
    public SessionState sessionState() {
        return session.state();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T agentResource(Class<T> type, Supplier<T> factory) {
        return (T) resources.computeIfAbsent(type, t -> factory.get());
    }

    @Override
    public UserQuestions userQuestions() {
        return questions;
    }

    public static UserQuestions headless() {
        return new UserQuestions() {
            @Override
            public boolean canAsk() {
                return false;
            }

            @Override
            public Map<String, String> ask(JsonNode questions) throws ToolException {
                throw new ToolException("nobody can answer");
            }
        };
    }
}
