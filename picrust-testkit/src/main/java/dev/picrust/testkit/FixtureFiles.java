package dev.picrust.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the shared recorded fixtures ({@code shared/fixtures/llm}) from wherever a test runs: the
 * system property {@code picrust.fixtures.llm} if set, else the first
 * {@code <ancestor>/shared/fixtures/llm} or {@code <ancestor>/../shared/fixtures/llm} walking up
 * from the working directory.
 */
public final class FixtureFiles {
    public static final String PROPERTY = "picrust.fixtures.llm";

    private FixtureFiles() {}

    /** The LLM fixtures folder; fails with the places it looked if there is none. */
    public static Path llmDir() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " is not a directory");
            }
            return dir;
        }
        List<Path> tried = new ArrayList<>();
        for (Path ancestor = Path.of("").toAbsolutePath(); ancestor != null; ancestor = ancestor.getParent()) {
            for (Path candidate : List.of(ancestor.resolve("shared/fixtures/llm"),
                    ancestor.resolve("../shared/fixtures/llm").normalize())) {
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
                tried.add(candidate);
            }
        }
        throw new IllegalStateException("LLM fixtures folder shared/fixtures/llm not found; looked in "
                + tried + "; set -D" + PROPERTY + "=<dir> to point at it");
    }

    /** A file in the LLM fixtures folder; fails if it does not exist. */
    public static Path llm(String fileName) {
        Path file = llmDir().resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture " + fileName + " not found in " + file.getParent());
        }
        return file;
    }
}
