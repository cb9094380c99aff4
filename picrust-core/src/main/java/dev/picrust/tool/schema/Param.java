package dev.picrust.tool.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a parameter of a {@link ToolMethod} (or a component of a record used as a parameter
 * type). Parameters are required unless their type is {@link java.util.Optional} or
 * {@code required = false} (then a missing value arrives as {@code null}, or zero/false for
 * primitives).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface Param {

    /** What the value means, for the model. */
    String description() default "";

    /** The field name in the input object; the Java name when empty. */
    String name() default "";

    boolean required() default true;
}
