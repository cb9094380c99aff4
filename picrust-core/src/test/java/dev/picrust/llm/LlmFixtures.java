package dev.picrust.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The recorded LLM wire fixtures, read in place from the shared {@code shared/fixtures/llm} folder
 * (never copied into the repository). The folder is found by walking up from the working
 * directory and checking {@code <ancestor>/shared/fixtures/llm} and
 * {@code <ancestor>/../shared/fixtures/llm} at each level.
 */
public final class LlmFixtures {
    private LlmFixtures() {}

    public static Path dir() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            for (Path candidate : new Path[] {p.resolve("shared/fixtures/llm"), p.resolve("../shared/fixtures/llm")}) {
                Path normal = candidate.normalize();
                if (Files.isDirectory(normal)) {
                    return normal;
                }
            }
        }
        throw new IllegalStateException("shared/fixtures/llm not found above " + start);
    }

    public static Path path(String name) {
        Path file = dir().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture missing: " + file);
        }
        return file;
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
