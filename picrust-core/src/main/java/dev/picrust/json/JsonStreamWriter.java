package dev.picrust.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Writes one JSON value straight to a generator, without building a tree first. */
@FunctionalInterface
public interface JsonStreamWriter {
    void write(JsonGenerator out) throws IOException;
}
