package dev.picrust.architecture;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;

/** The compiled classes of picrust-core (its main output folder, not the tests), read with ASM. */
final class CoreClasses {
    private CoreClasses() {}

    static Path folder() {
        try {
            Path folder = Path.of(Cancellation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(folder.resolve("dev/picrust"))) {
                throw new IllegalStateException("core's classes are not a folder here: " + folder);
            }
            return folder;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ClassReader> all() {
        Path folder = folder();
        try (Stream<Path> files = Files.walk(folder)) {
            List<ClassReader> classes = files.filter(f -> f.toString().endsWith(".class"))
                    .filter(f -> !f.getFileName().toString().equals("module-info.class"))
                    .sorted()
                    .map(CoreClasses::read)
                    .toList();
            if (classes.size() < 100) {
                throw new IllegalStateException("expected core's classes under " + folder + ", found " + classes.size());
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassReader read(Path file) {
        try {
            return new ClassReader(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dev/picrust/agent/StandardAgent$1} -> {@code dev.picrust.agent}. */
    static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    /** {@code dev/picrust/agent/StandardAgent$1} -> {@code agent.StandardAgent$1}, as the lists in the tests name classes. */
    static String shortName(String internalName) {
        return internalName.replace('/', '.').substring("dev.picrust.".length());
    }
}
