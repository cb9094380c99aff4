package dev.picrust.bench.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * What the disk under the sessions can do: one virtual thread per file appends a 300-byte line and
 * forces it, {@code perFile} times. With one file that is the latency of a durable append; with
 * thousands it is the parallel force rate that bounds a session store forcing every record.
 * <pre>
 * java -cp ... dev.picrust.bench.disk.FsyncProbe FILES PER_FILE [DIR]
 * </pre>
 */
public final class FsyncProbe {
    private FsyncProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FsyncProbe FILES PER_FILE [DIR]");
            System.exit(2);
        }
        int files = Integer.parseInt(args[0]);
        int perFile = Integer.parseInt(args[1]);
        Path parent = args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(parent, "fsync-probe-");
        byte[] line = new byte[300];
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        try {
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < files; i++) {
                    Path file = dir.resolve("f" + i);
                    pool.submit(() -> {
                        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                            for (int k = 0; k < perFile; k++) {
                                f.seek(f.length());
                                f.write(line);
                                f.getFD().sync();
                            }
                        }
                        return null;
                    });
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long forces = (long) files * perFile;
            System.out.printf("%d files x %d appends+fsync: %.2f s, %.0f fsyncs/s (%.1f us each one after the other)%n",
                    files, perFile, seconds, forces / seconds, seconds * 1e6 / forces);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a leftover temp folder is harmless
            }
        }
    }
}
