package dev.picrust.tool;

import java.nio.file.Path;
import java.util.List;

/** Resolves tool paths against a working directory. (Confinement arrives with the built-in tools.) */
public record PathResolver(Path workingDirectory, List<Path> allowedRoots) {
    public PathResolver {
        allowedRoots = List.copyOf(allowedRoots);
    }

    public Path resolve(String path) throws ToolException {
        if (path == null || path.isBlank()) {
            throw new ToolException("path must not be empty");
        }
        return workingDirectory.resolve(path).normalize();
    }
}
