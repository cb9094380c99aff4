package dev.picrust.session;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only {@code history.jsonl}. Every {@link #append} writes one complete line and returns
 * only once the line is durable: the {@link Journal}'s group commit covers it, and the file itself is
 * forced when it is closed (or by a journal checkpoint), so an acknowledged record survives a crash.
 *
 * <p>The file is opened by the first append after a {@link #release} and held until the next
 * one: the few appends of one step of an agent (its model's message, permission decisions, tool
 * results) share a descriptor, while ten thousand idle sessions, or sessions waiting for their
 * model, hold none. One writer per session at a time: lines go at the offset this object tracks.
 *
 * <p>A lock rather than a monitor: {@link #append} waits for the journal's force while it holds it,
 * and a virtual thread parked inside {@code synchronized} pins its carrier on JDK 21-23.
 */
final class HistoryFile implements AutoCloseable {
    private final Path path;
    private final File file;
    private final byte[] relativePath;
    private final Journal journal;
    private final WriteCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private long size;
    private boolean needsNewline;
    private boolean unforced;
    /** Open from the first append after a {@link #release} until the next; null otherwise. */
    private RandomAccessFile handle;
    private boolean closed;
    /** Lines of {@link #appendLater} not yet known to be durable, oldest first. */
    private final List<Journal.Entry> uncommitted = new ArrayList<>(2);

    HistoryFile(Path path, Journal journal, WriteCounters counters) throws IOException {
        this.path = path;
        this.file = path.toFile();
        this.relativePath = journal.relativePathOf(path);
        this.journal = journal;
        this.counters = counters;
        try (RandomAccessFile existing = new RandomAccessFile(file, "rw")) {
            size = existing.length();
            if (endsWithoutNewline(existing)) {
                terminateTornTail(existing);
            }
        }
    }

    /**
     * A crash mid-write can leave a last line without its newline. Appending after it would glue the
     * next record to the garbage, so the torn line is closed with a newline first (and skipped on load).
     */
    private void terminateTornTail(RandomAccessFile file) throws IOException {
        file.seek(size);
        file.write('\n');
        file.getFD().sync();
        counters.syncs.incrementAndGet();
        size++;
    }

    private boolean endsWithoutNewline(RandomAccessFile file) throws IOException {
        if (size == 0) {
            return false;
        }
        file.seek(size - 1);
        return file.read() != '\n';
    }

    /** Appends one record: {@code json} is the record's UTF-8 bytes, without the newline. */
    void append(byte[] json) throws IOException {
        lock.lock();
        try {
            long offset = size;
            byte[] line = write(json);
            journal.commit(path, relativePath, offset, line);
            awaitUncommitted();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once every line of {@link #appendLater} is durable. After a commit of this file that is
     * at once (batches are forced in order), unless their batch failed: that is reported here.
     */
    void awaitUncommitted() throws IOException {
        lock.lock();
        try {
            while (!uncommitted.isEmpty()) {
                journal.await(uncommitted.removeFirst());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends one record that becomes durable with the next {@link #append} of this file (or when it
     * is closed); returns without waiting for a force when one is running already.
     */
    void appendLater(byte[] json) throws IOException {
        lock.lock();
        try {
            long offset = size;
            byte[] line = write(json);
            Journal.Entry entry = journal.commitLater(path, relativePath, offset, line);
            if (!entry.done) {
                uncommitted.add(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes one line at the end of the file; the caller holds {@link #lock}. */
    private byte[] write(byte[] json) throws IOException {
        for (byte b : json) {
            if (b == '\n') {
                throw new IllegalArgumentException("a history record must be one line");
            }
        }
        int lead = needsNewline ? 1 : 0;
        byte[] line = new byte[lead + json.length + 1];
        if (needsNewline) {
            line[0] = '\n';
        }
        System.arraycopy(json, 0, line, lead, json.length);
        line[line.length - 1] = '\n';
        long offset = size;
        // RandomAccessFile rather than a FileChannel: an interrupted agent thread must not leave a
        // half-done append behind a closed channel.
        if (handle == null) {
            handle = new RandomAccessFile(file, "rw");
        }
        handle.seek(offset);
        try {
            handle.write(line);
        } catch (IOException e) {
            try {
                size = handle.length();
                needsNewline = true;
            } finally {
                release();
            }
            throw e;
        }
        size = offset + line.length;
        if (closed) {
            release();  // an append after close (not the usual order) keeps no descriptor
        }
        needsNewline = false;
        unforced = true;
        counters.historyBytes.addAndGet(line.length);
        return line;
    }

    /** Closes the descriptor held since the last appends, if any; the next append opens it again. */
    void release() {
        lock.lock();
        try {
            if (handle != null) {
                try {
                    handle.close();
                } catch (IOException ignored) {
                    // the lines were written (or their failure reported); closing frees the descriptor either way
                }
                handle = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forces the file, so the journal no longer needs to keep its lines. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            awaitUncommitted();  // before the journal lets go: no batch may name this file after it
            if (unforced) {
                if (handle == null) {
                    handle = new RandomAccessFile(file, "rw");
                }
                handle.getFD().sync();
                counters.syncs.incrementAndGet();
                unforced = false;
            }
        } finally {
            release();
            closed = true;
            lock.unlock();
        }
        journal.released(path);
    }
}
