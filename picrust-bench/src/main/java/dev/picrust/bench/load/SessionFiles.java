package dev.picrust.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Sizes of a sessions folder after a run. */
record SessionFiles(int sessions, long bytes, long historyRecords) {

    static SessionFiles measure(Path root) {
        int sessions = 0;
        long bytes = 0;
        long records = 0;
        byte[] buffer = new byte[64 * 1024];
        try (Stream<Path> dirs = Files.list(root)) {
            // Session folders only: the store's journal lives in a dot-folder beside them.
            for (Path dir : dirs.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().startsWith(".")).toList()) {
                sessions++;
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        bytes += Files.size(file);
                        if (file.getFileName().toString().equals("history.jsonl")) {
                            records += countLines(file, buffer);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot measure " + root, e);
        }
        return new SessionFiles(sessions, bytes, records);
    }

    private static long countLines(Path file, byte[] buffer) throws IOException {
        long lines = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

}
