package dev.picrust.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Hands progress notifications to the connection on the transport's reading thread, before the
 * messages that follow them. The SDK runs its progress consumers on another scheduler, so a
 * server's last progress line ("(2/2)") raced the tool's result and was often dropped once the
 * call had returned.
 */
final class ProgressInOrder implements McpClientTransport {
    private final McpClientTransport transport;
    private final Consumer<McpSchema.ProgressNotification> progress;

    ProgressInOrder(McpClientTransport transport, Consumer<McpSchema.ProgressNotification> progress) {
        this.transport = transport;
        this.progress = progress;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return transport.connect(message -> handler.apply(message.filter(this::notProgress)));
    }

    /** Delivers a progress notification now and keeps it from the SDK, which would deliver it late. */
    private boolean notProgress(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCNotification n
                && McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(n.method()) && n.params() != null) {
            progress.accept(transport.unmarshalFrom(n.params(), new TypeRef<McpSchema.ProgressNotification>() { }));
            return false;
        }
        return true;
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        transport.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return transport.closeGracefully();
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return transport.sendMessage(message);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return transport.unmarshalFrom(data, type);
    }

    @Override
    public List<String> protocolVersions() {
        return transport.protocolVersions();
    }
}
