package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the first bytes of a file with a deadline enforced from outside the read. Some files look
 * regular and block a reader forever ({@code /proc/kmsg} waits for the next kernel message; a file
 * on a dead network mount never answers), and a deadline checked between reads never fires during
 * one. The read runs on a thread of its own; when the deadline passes its channel is closed, which
 * the JDK turns into a signal that ends the blocked system call.
 */
final class HeadReader {
    private HeadReader() {}

    static byte[] read(Path file, int max, Duration deadline) throws IOException, ToolException {
        AtomicReference<FileChannel> open = new AtomicReference<>();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().name("picrust-read-head").start(() -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                open.set(channel);
                ByteBuffer buffer = ByteBuffer.allocate(max);
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // until full or at the end
                }
                result.complete(Arrays.copyOf(buffer.array(), buffer.position()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            FileChannel channel = open.get();
            if (channel != null) {
                channel.close();   // wakes the blocked read
            } else {
                reader.interrupt();  // still opening (a pipe without a writer): the thread is a daemon and ends with it
            }
            throw new ToolException(file + " gave no data within " + deadline.toSeconds() + " s, so it was not read:"
                    + " it is probably a special file that blocks until something happens (like /proc/kmsg), or on"
                    + " a mount that does not answer.");
        } catch (InterruptedException e) {
            FileChannel channel = open.get();
            if (channel != null) {
                channel.close();
            }
            Thread.currentThread().interrupt();
            throw new ToolException("Reading " + file + " was interrupted.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
