package dev.picrust.tool.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a tool the model can call; register its object with
 * {@link AnnotatedTools#from(Object)}. Each parameter becomes a field of the input object (named
 * after the Java parameter: compile with {@code -parameters}); a {@link dev.picrust.tool.ToolContext}
 * parameter is passed in and not shown to the model.
 *
 * <pre>{@code
 * class Weather {
 *     @ToolMethod(description = "Current temperature in a city, in Celsius")
 *     double temperature(@Param(description = "City name") String city) { ... }
 * }
 * registry.registerAll(AnnotatedTools.from(new Weather()));
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolMethod {

    /** The tool's name; the method's name when empty. */
    String name() default "";

    /** What the tool does, for the model. */
    String description();

    /** True if the tool has no side effects (allowed by default, may run in parallel). */
    boolean readOnly() default false;
}
