package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.tool.ToolException;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read that blocks inside the system call still ends at its deadline (a real FIFO from mkfifo). */
class HeadReaderTest {
    @TempDir Path dir;

    @Test
    void aReadThatNeverGetsDataEndsAtTheDeadline() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor(30, TimeUnit.SECONDS) && mk.exitValue() == 0).isTrue();
        // A writer that opens the pipe and then says nothing: the reader blocks inside read().
        try (FileOutputStream silentWriter = openForWritingWhenReaderArrives(fifo)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> HeadReader.read(fifo, 4096, Duration.ofMillis(500)))
                    .isInstanceOf(ToolException.class).hasMessageContaining("gave no data within");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void anOrdinaryFileIsReadUpToTheLimit() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "hello world");
        assertThat(new String(HeadReader.read(file, 5, Duration.ofSeconds(10)))).isEqualTo("hello");
        assertThat(new String(HeadReader.read(file, 100, Duration.ofSeconds(10)))).isEqualTo("hello world");
    }

    /** Opening a FIFO for writing blocks until a reader opens it; so it is opened on another thread. */
    private static FileOutputStream openForWritingWhenReaderArrives(Path fifo) throws Exception {
        var opened = new java.util.concurrent.CompletableFuture<FileOutputStream>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                opened.complete(new FileOutputStream(fifo.toFile()));
            } catch (Exception e) {
                opened.completeExceptionally(e);
            }
        });
        return new FileOutputStream(java.io.FileDescriptor.out) {
            @Override
            public void close() {
                opened.thenAccept(out -> {
                    try {
                        out.close();
                    } catch (java.io.IOException ignored) {
                        // test cleanup
                    }
                });
            }
        };
    }
}
