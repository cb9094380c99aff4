package dev.picrust.tool.builtin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.UUID;

/**
 * Replaces a file's content all at once: the bytes go to a temporary file in the same folder, are
 * forced to disk, and the temporary file is renamed over the target. Readers see the old content
 * or the new, never a half-written file, and a crash leaves the old file intact. An existing file's
 * permissions are kept; a symlink is written through (its target is replaced, the link stays).
 */
final class AtomicWrite {
    private AtomicWrite() {}

    static void write(Path target, byte[] content) throws IOException {
        Path file = Files.isSymbolicLink(target) ? target.toRealPath() : target;
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".picrust-" + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            copyPermissions(file, temp);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void copyPermissions(Path from, Path to) {
        if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
            PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
            if (source != null && target != null) {
                target.setPermissions(source.readAttributes().permissions());
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // Permissions are a courtesy; the content is what matters.
        }
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename durable; not every platform can open a directory, and that is fine.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }
}
