package dev.picrust.tool.schema;

import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom tools from annotated methods: {@code registry.registerAll(AnnotatedTools.from(myObject))}.
 * Every method of the object's class (and its superclasses) carrying {@link ToolMethod} becomes one
 * tool; its parameters become the input object's fields, with a JSON schema generated from their
 * types. Input is validated against that schema before the method runs; the method's return value
 * becomes the result (a {@code String} as text, a {@code ToolResult} as is, anything else as JSON
 * text, {@code void} as "Done."); a {@link dev.picrust.tool.ToolException} or any other exception
 * becomes an error result.
 */
public final class AnnotatedTools {
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private AnnotatedTools() {}

    /**
     * The tools declared on {@code target}, sorted by name.
     *
     * @throws IllegalArgumentException if there are none, a name is invalid or repeated, or a
     *     parameter type cannot be expressed as JSON
     */
    public static List<Tool> from(Object target) {
        List<Tool> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> seenSignatures = new HashSet<>();
        for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Method[] declared = c.getDeclaredMethods();
            java.util.Arrays.sort(declared, Comparator.comparing(Method::getName));
            for (Method method : declared) {
                ToolMethod annotation = method.getAnnotation(ToolMethod.class);
                if (annotation == null || method.isBridge() || method.isSynthetic()) {
                    continue;
                }
                // A subclass override carries its own annotation; the overridden one is skipped.
                if (!seenSignatures.add(method.getName() + java.util.Arrays.toString(method.getParameterTypes()))) {
                    continue;
                }
                Tool tool = toolFor(target, method, annotation);
                if (!names.add(tool.name())) {
                    throw new IllegalArgumentException("two @ToolMethod methods are named '" + tool.name() + "' in "
                            + target.getClass().getName());
                }
                tools.add(tool);
            }
        }
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("no @ToolMethod methods found on " + target.getClass().getName());
        }
        tools.sort(Comparator.comparing(Tool::name));
        return List.copyOf(tools);
    }

    private static Tool toolFor(Object target, Method method, ToolMethod annotation) {
        String where = method.getDeclaringClass().getName() + "." + method.getName();
        String name = annotation.name().isEmpty() ? method.getName() : annotation.name();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid tool name '" + name + "' on " + where
                    + ": use 1-64 letters, digits, '_' or '-'");
        }
        if (annotation.description().isBlank()) {
            throw new IllegalArgumentException("@ToolMethod on " + where + " needs a description");
        }
        List<AnnotatedTool.Argument> arguments = new ArrayList<>();
        Set<String> fieldNames = new HashSet<>();
        for (Parameter parameter : method.getParameters()) {
            if (parameter.getType() == ToolContext.class) {
                arguments.add(new AnnotatedTool.Argument.Context());
                continue;
            }
            Param param = parameter.getAnnotation(Param.class);
            boolean named = param != null && !param.name().isEmpty();
            if (!named && !parameter.isNamePresent()) {
                throw new IllegalArgumentException("parameter names of " + where + " are not available: compile with"
                        + " -parameters or name each one with @Param(name = ...)");
            }
            ValueShape shape;
            try {
                shape = ValueShape.of(parameter.getParameterizedType());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter '" + parameter.getName() + "' of " + where + ": "
                        + e.getMessage(), e);
            }
            ValueShape.Field field = ValueShape.field(parameter.getName(), param, shape);
            if (!fieldNames.add(field.name())) {
                throw new IllegalArgumentException("two parameters of " + where + " are named '" + field.name() + "'");
            }
            arguments.add(new AnnotatedTool.Argument.FromInput(field));
        }
        try {
            method.setAccessible(true);
        } catch (InaccessibleObjectException e) {
            throw new IllegalArgumentException("cannot call " + where + ": " + e.getMessage()
                    + " (make the method public or open its package)", e);
        }
        Object receiver = Modifier.isStatic(method.getModifiers()) ? null : target;
        return new AnnotatedTool(receiver, method, name, annotation.description(), annotation.readOnly(), arguments);
    }
}
