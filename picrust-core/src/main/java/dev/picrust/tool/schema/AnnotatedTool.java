package dev.picrust.tool.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/** A {@link Tool} that calls one {@link ToolMethod} of an object. */
final class AnnotatedTool implements Tool {

    /** Where a method argument comes from. */
    sealed interface Argument {
        record FromInput(ValueShape.Field field) implements Argument {}

        record Context() implements Argument {}
    }

    private final Object target;
    private final Method method;
    private final String name;
    private final String description;
    private final boolean readOnly;
    private final List<Argument> arguments;
    private final ObjectNode schema;

    AnnotatedTool(Object target, Method method, String name, String description, boolean readOnly,
                  List<Argument> arguments) {
        this.target = target;
        this.method = method;
        this.name = name;
        this.description = description;
        this.readOnly = readOnly;
        this.arguments = List.copyOf(arguments);
        this.schema = JsonSchemaGenerator.objectSchema(arguments.stream()
                .filter(a -> a instanceof Argument.FromInput)
                .map(a -> ((Argument.FromInput) a).field())
                .toList());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public JsonNode inputSchema() {
        return schema.deepCopy();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) throws Exception {
        JsonNode in = input == null || input.isMissingNode() || input.isNull() ? Json.object() : input;
        Optional<String> invalid = ToolInputValidation.validate(this, in);
        if (invalid.isPresent()) {
            return ToolResult.error(invalid.get());
        }
        Object[] values = new Object[arguments.size()];
        try {
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (arguments.get(i)) {
                    case Argument.Context ignored -> context;
                    case Argument.FromInput fromInput -> ArgumentBinder.bind(
                            in.get(fromInput.field().name()), fromInput.field().shape(), fromInput.field().name());
                };
            }
        } catch (ToolException e) {
            return ToolResult.error("Invalid input for tool " + name + ": " + e.getMessage());
        }
        Object returned;
        try {
            returned = method.invoke(target, values);
        } catch (InvocationTargetException e) {
            return failure(e.getCause());
        }
        return toResult(returned);
    }

    private ToolResult failure(Throwable cause) throws Exception {
        if (cause instanceof CancellationException || cause instanceof InterruptedException) {
            throw (Exception) cause;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof ToolException) {
            return ToolResult.error(cause.getMessage());
        }
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return ToolResult.error("Tool " + name + " failed: " + cause.getClass().getSimpleName() + message);
    }

    private static ToolResult toResult(Object returned) {
        return switch (returned) {
            case null -> ToolResult.text("Done.");
            case ToolResult result -> result;
            case String text -> ToolResult.text(text);
            default -> ToolResult.text(Json.write(JsonValueWriter.toJson(returned)));
        };
    }

    @Override
    public String toString() {
        return "AnnotatedTool[" + name + " -> " + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "]";
    }
}
