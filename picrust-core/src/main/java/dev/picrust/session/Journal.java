package dev.picrust.session;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Group commit for history appends. A history line is written to its {@code history.jsonl} (page
 * cache only) and to this journal; {@link #commit} returns once a force of the journal covers it.
 * Appends of many sessions that arrive while one force runs share the next one, so thousands of
 * agents need a few hundred forces a second instead of one per record — the disk, not the agents,
 * was the limit (see docs/BENCHMARKS.md).
 *
 * <p>The journal only matters after a crash: {@link #recover} (run by the store before it opens or
 * creates anything) re-writes every journaled line that its history file lacks, forces those files,
 * and deletes the segment. A segment is deleted as soon as every history file with lines in it has
 * been forced — when the session closes, or by a checkpoint when the segment grows past its limit —
 * so a clean run leaves no journal behind.
 *
 * <p>Segments live in {@code <root>/.journal/} (not a valid session id). Each is locked by the
 * process writing it; recovery skips locked segments, so another process can open the same store.
 * Record: {@code 'J'}, path length (int), path relative to the root (UTF-8), offset in the history
 * file (long), line length (int), line bytes, CRC32 of path, offset and line (int). A torn or corrupt
 * record ends the segment: nothing after it was ever acknowledged. Segments are zero-filled ahead of
 * their records (4 MiB at a time, or an eighth of the free space when that is less, forced once) so that
 * an append forces only its data; a zero where a marker should be is the end. Where there is no room
 * to zero-fill, a failed extension is cut off again and the segment grows record by record instead.
 */
final class Journal {
    static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    static final String DIRECTORY = ".journal";
    private static final String SEGMENT_SUFFIX = ".wal";
    private static final String CREATING_SUFFIX = ".wal-new";
    private static final byte MARKER = 'J';
    private static final int MAX_PATH_BYTES = 4096;
    private static final int CHECKPOINT_PARALLELISM = 64;
    /** Batch buffers up to this size are kept for the next batch. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;
    /** Segments grow by this much zeroed space at a time (see {@code Segment.extend}). */
    private static final int PREALLOCATE_BYTES = 4 << 20;
    private static final long WRITER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final AtomicLong SEGMENT_NUMBER = new AtomicLong();
    /**
     * Segments written by journals alive in this JVM. Recovery in this JVM must not even open them:
     * closing any descriptor of a file drops this process's POSIX locks on it.
     */
    private static final Set<Path> LIVE_SEGMENTS = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Path directory;
    private final long segmentBytes;
    private final WriteCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** Signalled when a batch's commit is over ({@link #committing} false again). */
    private final Condition committed = lock.newCondition();
    private List<Entry> pending = new ArrayList<>();
    private Thread writer;
    private boolean writerWaiting;
    private boolean committing;
    private Segment active;
    private final List<Segment> sealed = new ArrayList<>();
    private final Set<Thread> checkpoints = ConcurrentHashMap.newKeySet();

    Journal(Path root, long segmentBytes, WriteCounters counters) {
        this.root = root;
        this.directory = root.resolve(DIRECTORY);
        this.segmentBytes = segmentBytes;
        this.counters = counters;
    }

    /** How {@code file} is named in journal records: its path relative to the store's root, UTF-8. */
    byte[] relativePathOf(Path file) {
        return root.relativize(file).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes {@code line}, already written at {@code offset} of {@code file} (named
     * {@code relativePath} in records), durable; returns once it is. {@code line} must not change
     * until then.
     */
    void commit(Path file, byte[] relativePath, long offset, byte[] line) throws IOException {
        await(commitLater(file, relativePath, offset, line));
    }

    /**
     * As {@link #commit}, but returns at once: the line is durable once its entry is
     * {@link Entry#done} (wait with {@link #await}), at the latest when a later commit of the same
     * thread returns, as batches are forced in order.
     */
    Entry commitLater(Path file, byte[] relativePath, long offset, byte[] line) {
        Entry entry = new Entry(file, relativePath, offset, line);
        lock.lock();
        try {
            pending.add(entry);
            if (writer == null) {
                writer = Thread.ofPlatform().daemon().name("picrust-journal-writer").start(this::write);
            } else if (writerWaiting) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        return entry;
    }

    /** Returns once {@code entry} is durable; throws if its batch failed. */
    void await(Entry entry) throws IOException {
        // An append is not abandoned half-way (its line is already in the history file), so an
        // interrupt does not end the wait; the flag is restored afterwards.
        boolean interrupted = false;
        entry.awaitedBy = Thread.currentThread();
        while (!entry.done) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (entry.failure != null) {
            throw new IOException("journal commit failed: " + entry.failure.getMessage(), entry.failure);
        }
    }

    /**
     * The writer: takes everything appended since its last force as one batch, writes and forces
     * it, wakes the batch's waiting appenders one by one, repeats; ends after a while without
     * appends (the next append starts it again).
     *
     * <p>A platform thread of its own, not a leader elected among the appenders: a virtual thread
     * woken to lead the next batch queues behind every other runnable virtual thread, and at 10,000
     * agents that put hundreds of milliseconds between two forces while the disk idled. Waiters are
     * woken with {@code unpark}, never through a shared condition, whose {@code signalAll} made every
     * waiter re-take the lock in turn.
     */
    private void write() {
        while (true) {
            List<Entry> batch;
            Segment segment;
            lock.lock();
            try {
                while (pending.isEmpty()) {
                    writerWaiting = true;
                    long left;
                    try {
                        left = work.awaitNanos(WRITER_IDLE_NANOS);
                    } catch (InterruptedException e) {
                        left = 1;
                    } finally {
                        writerWaiting = false;
                    }
                    if (left <= 0 && pending.isEmpty()) {
                        writer = null;
                        return;
                    }
                }
                batch = pending;
                pending = new ArrayList<>();
                committing = true;
                segment = active;
            } finally {
                lock.unlock();
            }
            commitBatch(batch, segment);
        }
    }

    private void commitBatch(List<Entry> batch, Segment segment) {
        IOException failure = null;
        try {
            if (segment == null) {
                segment = Segment.createRetrying(directory, counters);
            }
            segment.append(batch, counters);
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            // Whatever went wrong, the appenders must hear of it rather than wait forever.
            failure = new IOException(e.toString(), e);
        }
        Segment toCheckpoint = null;
        lock.lock();
        try {
            if (failure == null) {
                active = segment;
                for (Entry e : batch) {
                    segment.dirty.add(e.file);
                }
                if (segment.size >= segmentBytes) {
                    sealed.add(segment);
                    active = null;
                    toCheckpoint = segment;
                }
            } else if (segment != null && segment == active) {
                // A segment that failed a write may hold a torn record; nothing may follow it.
                sealed.add(segment);
                active = null;
                toCheckpoint = segment;
            }
            committing = false;
            committed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Entry e : batch) {
            e.failure = failure;
            e.done = true;
            // Only a thread that waits (not always the appender: a session's close awaits lines
            // another thread appended); a spare permit would cut some later park short.
            Thread waiting = e.awaitedBy;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
        if (toCheckpoint != null) {
            Segment full = toCheckpoint;
            Thread worker = Thread.ofVirtual().name("picrust-journal-checkpoint").unstarted(() -> {
                try {
                    checkpoint(full);
                } finally {
                    checkpoints.remove(Thread.currentThread());
                }
            });
            checkpoints.add(worker);
            worker.start();
        }
    }

    /**
     * {@code file} was forced (its session closed): no segment needs to keep its lines any more.
     * Segments left with nothing to protect are deleted.
     */
    void released(Path file) {
        lock.lock();
        try {
            for (Segment s : List.copyOf(sealed)) {
                s.dirty.remove(file);
                deleteIfClean(s);
            }
            if (active != null) {
                active.dirty.remove(file);
                if (active.dirty.isEmpty() && !committing && pending.isEmpty()) {
                    Segment done = active;
                    active = null;
                    done.delete();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forces every history file with lines in this journal and deletes every segment, so that no
     * record written so far can ever be replayed (a deleted session's lines must not land in a new
     * session of the same id after a crash). Appends go on meanwhile, into a new segment. Slow at
     * scale (a force per open session), so only for rare operations such as deleting a session.
     *
     * @throws IOException if a file could not be forced, so some segment had to stay
     */
    void checkpointAll() throws IOException {
        List<Segment> segments;
        lock.lock();
        try {
            while (committing) {
                committed.awaitUninterruptibly();  // the writer is adding files to the active segment
            }
            if (active != null) {
                sealed.add(active);
                active = null;
            }
            segments = List.copyOf(sealed);
        } finally {
            lock.unlock();
        }
        for (Segment segment : segments) {
            checkpoint(segment);
        }
        lock.lock();
        try {
            for (Segment segment : segments) {
                if (sealed.contains(segment)) {
                    throw new IOException("could not force every history file of journal segment " + segment.path);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** For tests: waits for the checkpoints running now. */
    void awaitCheckpoints() throws InterruptedException {
        for (Thread t : List.copyOf(checkpoints)) {
            t.join();
        }
    }

    /** Segment files of this journal still on disk, oldest first (for tests and diagnostics). */
    List<Path> segmentFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    /** Forces every history file with lines in a full segment, then deletes the segment. */
    private void checkpoint(Segment segment) {
        Set<Path> files;
        lock.lock();
        try {
            files = new HashSet<>(segment.dirty);
        } finally {
            lock.unlock();
        }
        Set<Path> forced = ConcurrentHashMap.newKeySet();
        Semaphore permits = new Semaphore(CHECKPOINT_PARALLELISM);
        List<Thread> workers = new ArrayList<>();
        for (Path file : files) {
            permits.acquireUninterruptibly();
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    if (force(file)) {
                        forced.add(file);
                    }
                } finally {
                    permits.release();
                }
            }));
        }
        for (Thread worker : workers) {
            boolean joined = false;
            while (!joined) {
                try {
                    worker.join();
                    joined = true;
                } catch (InterruptedException e) {
                    // keep waiting: the segment must not be deleted before its files are forced
                }
            }
        }
        lock.lock();
        try {
            segment.dirty.removeAll(forced);
            deleteIfClean(segment);
        } finally {
            lock.unlock();
        }
    }

    /** Forces a history file; true if it is durable (or gone, so there is nothing left to protect). */
    private boolean force(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.getFD().sync();
            counters.syncs.incrementAndGet();
            return true;
        } catch (java.io.FileNotFoundException e) {
            return !Files.exists(file);
        } catch (IOException e) {
            return false; // the segment stays; recovery will replay it
        }
    }

    private void deleteIfClean(Segment s) {
        if (s.dirty.isEmpty() && sealed.remove(s)) {
            s.delete();
        }
    }

    // ------------------------------------------------------------------------------------ records

    private static int encodedLength(Entry e) {
        return 1 + 4 + e.relativePath.length + 8 + 4 + e.line.length + 4;
    }

    /** Writes one record at the buffer's position. */
    private static void encode(Entry e, ByteBuffer into) {
        into.put(MARKER).putInt(e.relativePath.length).put(e.relativePath).putLong(e.offset)
                .putInt(e.line.length).put(e.line).putInt(crc(e.relativePath, e.offset, e.line));
    }

    private static int crc(byte[] path, long offset, byte[] line) {
        CRC32 crc = new CRC32();
        crc.update(path);
        for (int shift = 56; shift >= 0; shift -= 8) {
            crc.update((int) (offset >>> shift) & 0xff);
        }
        crc.update(line);
        return (int) crc.getValue();
    }

    // ------------------------------------------------------------------------------------ recovery

    /**
     * Replays the segments that no live process holds: every journaled line missing from (or
     * different in) its history file is written back at its offset, the files are forced, and the
     * segment is deleted. Returns how many lines had to be restored.
     */
    static int recover(Path root, WriteCounters counters) throws IOException {
        Path directory = root.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(directory)) {
            segments = files.filter(p -> p.getFileName().toString().endsWith(SEGMENT_SUFFIX)
                            || p.getFileName().toString().endsWith(CREATING_SUFFIX))
                    .sorted().toList();
        }
        int restored = 0;
        for (Path segment : segments) {
            Path absolute = segment.toAbsolutePath().normalize();
            if (LIVE_SEGMENTS.contains(absolute)) {
                continue;
            }
            try (RandomAccessFile file = new RandomAccessFile(absolute.toFile(), "rw")) {
                FileLock held;
                try {
                    held = file.getChannel().tryLock();
                } catch (OverlappingFileLockException e) {
                    continue;
                }
                if (held == null) {
                    continue; // another process is writing it
                }
                if (absolute.getFileName().toString().endsWith(SEGMENT_SUFFIX)) {
                    restored += replay(root, absolute, counters);
                }
                Files.deleteIfExists(absolute);
            }
        }
        return restored;
    }

    private static int replay(Path root, Path segment, WriteCounters counters) throws IOException {
        Set<Path> touched = new LinkedHashSet<>();
        int restored = 0;
        try (InputStream raw = Files.newInputStream(segment);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            while (true) {
                Record record = readRecord(in);
                if (record == null) {
                    break;
                }
                Path file = root.resolve(record.path).normalize();
                if (!file.startsWith(root) || !Files.isDirectory(file.getParent())) {
                    continue; // not ours, or the session was deleted since
                }
                if (restore(file, record.offset, record.line)) {
                    restored++;
                    touched.add(file);
                }
            }
        }
        for (Path file : touched) {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.getFD().sync();
                counters.syncs.incrementAndGet();
            }
        }
        return restored;
    }

    /** Writes {@code line} at {@code offset} unless it is already there; true if it had to be written. */
    private static boolean restore(Path file, long offset, byte[] line) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            if (f.length() >= offset + line.length) {
                byte[] present = new byte[line.length];
                f.seek(offset);
                f.readFully(present);
                if (Arrays.equals(present, line)) {
                    return false;
                }
            }
            f.seek(offset);
            f.write(line);
            return true;
        }
    }

    private record Record(String path, long offset, byte[] line) {}

    /** The next intact record, or null at the end or at a torn or corrupt record. */
    private static Record readRecord(DataInputStream in) throws IOException {
        try {
            int marker = in.read();
            if (marker != MARKER) {
                return null;
            }
            int pathLength = in.readInt();
            if (pathLength <= 0 || pathLength > MAX_PATH_BYTES) {
                return null;
            }
            byte[] path = in.readNBytes(pathLength);
            long offset = in.readLong();
            int lineLength = in.readInt();
            if (offset < 0 || lineLength < 0) {
                return null;
            }
            byte[] line = in.readNBytes(lineLength);
            if (path.length != pathLength || line.length != lineLength) {
                return null;
            }
            if (in.readInt() != crc(path, offset, line)) {
                return null;
            }
            return new Record(new String(path, StandardCharsets.UTF_8), offset, line);
        } catch (EOFException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------ pieces

    static final class Entry {
        final Path file;
        final byte[] relativePath;
        final long offset;
        final byte[] line;
        /** Written by the writer before {@link #done}. */
        IOException failure;
        volatile boolean done;
        /** Set before a waiter parks; with {@code done} both volatile, one side always sees the other. */
        volatile Thread awaitedBy;

        Entry(Path file, byte[] relativePath, long offset, byte[] line) {
            this.file = file;
            this.relativePath = relativePath;
            this.offset = offset;
            this.line = line;
        }
    }

    /** One journal file, locked for as long as this process may still need it. */
    private static final class Segment {
        final Path path;
        final RandomAccessFile file;
        final FileLock fileLock;
        final Set<Path> dirty = new HashSet<>();
        private byte[] buffer = new byte[4096];
        long size;
        /** Bytes of the file written (with zeros ahead of the records) and forced. */
        private volatile long allocated;
        private final ReentrantLock extendLock = new ReentrantLock();
        private final AtomicBoolean extending = new AtomicBoolean();
        /** False once zero-filling failed for want of space: the file then grows record by record. */
        private volatile boolean preallocating = true;
        boolean deleted;

        private Segment(Path path, RandomAccessFile file, FileLock fileLock) {
            this.path = path;
            this.file = file;
            this.fileLock = fileLock;
        }

        /** Another process's recovery may delete a segment in the instant before it is locked; try again then. */
        static Segment createRetrying(Path directory, WriteCounters counters) throws IOException {
            for (int attempt = 1; ; attempt++) {
                try {
                    return create(directory, counters);
                } catch (java.nio.file.NoSuchFileException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        }

        /**
         * Creates, locks and then publishes a segment under its final name, so recovery elsewhere
         * never mistakes a segment being born for an abandoned one.
         */
        static Segment create(Path directory, WriteCounters counters) throws IOException {
            Files.createDirectories(directory);
            String name = String.format("%013d-%d-%06d", System.currentTimeMillis(), ProcessHandle.current().pid(),
                    SEGMENT_NUMBER.incrementAndGet());
            Path creating = directory.resolve(name + CREATING_SUFFIX).toAbsolutePath().normalize();
            Path path = directory.resolve(name + SEGMENT_SUFFIX).toAbsolutePath().normalize();
            LIVE_SEGMENTS.add(creating);
            LIVE_SEGMENTS.add(path);
            RandomAccessFile file = new RandomAccessFile(creating.toFile(), "rw");
            try {
                FileLock fileLock = file.getChannel().lock();
                Files.move(creating, path, StandardCopyOption.ATOMIC_MOVE);
                LIVE_SEGMENTS.remove(creating);
                forceDirectory(directory);
                counters.syncs.incrementAndGet();
                return new Segment(path, file, fileLock);
            } catch (IOException | RuntimeException e) {
                file.close();
                LIVE_SEGMENTS.remove(creating);
                LIVE_SEGMENTS.remove(path);
                throw e;
            }
        }

        void append(List<Entry> batch, WriteCounters counters) throws IOException {
            int length = 0;
            for (Entry e : batch) {
                length += encodedLength(e);
            }
            // One buffer per segment, reused batch after batch (only the writer thread writes): a batch of
            // thousands of records would otherwise be a new large array every force.
            if (buffer.length < length && length <= MAX_KEPT_BUFFER) {
                buffer = new byte[Math.max(length, Math.min(buffer.length * 2, MAX_KEPT_BUFFER))];
            }
            byte[] bytes = length <= buffer.length ? buffer : new byte[length];
            ByteBuffer records = ByteBuffer.wrap(bytes, 0, length);
            for (Entry e : batch) {
                encode(e, records);
            }
            boolean beyondAllocated = size + length > allocated && !extendOrGiveUp(size + length, counters);
            FileChannel channel = file.getChannel();
            ByteBuffer data = ByteBuffer.wrap(bytes, 0, length);
            try {
                for (long at = size; data.hasRemaining(); ) {
                    at += channel.write(data, at);
                }
                // Records overwrite blocks that already exist on disk, so only data needs forcing
                // (fdatasync): no file-system journal commit, which on ext4 first waits for the dirty data
                // of every other file written since the last commit - here the history files - and then
                // took hundreds of milliseconds whenever the kernel's flusher was writing them back.
                // Past the zero-filled stretch (no room for one) the file grows, and its size must be forced too.
                channel.force(beyondAllocated);
            } catch (IOException e) {
                // A full disk: no half-record stays behind to be mistaken for one.
                truncateQuietly(Math.max(size, allocated));
                throw e;
            }
            size += length;
            if (beyondAllocated) {
                allocated = size;
            }
            counters.syncs.incrementAndGet();
            counters.journalBytes.addAndGet(length);
            if (preallocating && allocated - size < PREALLOCATE_BYTES / 2) {
                extendAhead(counters);
            }
        }

        /**
         * Zero-fills ahead to at least {@code needed}; false if the disk has no room for that, in which
         * case the file is cut back to what it was and this segment preallocates no more (records then
         * grow it as they come, each forced with the file's size).
         */
        private boolean extendOrGiveUp(long needed, WriteCounters counters) {
            if (!preallocating) {
                return false;
            }
            try {
                extend(needed, counters);
                return true;
            } catch (IOException e) {
                preallocating = false;
                return false;
            }
        }

        private void truncateQuietly(long length) {
            try {
                file.getChannel().truncate(length);
            } catch (IOException ignored) {
                // nothing more to do on a disk that fails; recovery stops at the first bad record
            }
        }

        /**
         * Zero-fills the next stretch of the file on another thread while records go on being
         * written below it, so appends rarely wait for the full force an extension needs (it commits
         * the file's new size). Positional writes: the two threads never share a file position.
         */
        private void extendAhead(WriteCounters counters) {
            if (extending.compareAndSet(false, true)) {
                Thread.ofVirtual().name("picrust-journal-extend").start(() -> {
                    try {
                        extend(allocated + aheadBytes(), counters);
                    } catch (IOException noRoom) {
                        // The file is cut back; records grow it from here on, and report a full disk.
                        preallocating = false;
                    } finally {
                        extending.set(false);
                    }
                });
            }
        }

        /**
         * Writes zeros from the end of the zero-filled stretch to at least {@code needed} and forces
         * them with the file's size: appends below that change no metadata. Recovery reads a zero
         * where a record marker should be as the end. One extension at a time, and only above what
         * was already allocated, so zeros never land on records.
         */
        private void extend(long needed, WriteCounters counters) throws IOException {
            extendLock.lock();
            try {
                if (needed <= allocated) {
                    return;
                }
                long from = allocated;
                long target = Math.max(needed, from + aheadBytes());
                FileChannel channel = file.getChannel();
                ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                try {
                    for (long at = from; at < target; ) {
                        zeros.clear().limit((int) Math.min(zeros.capacity(), target - at));
                        while (zeros.hasRemaining()) {
                            at += channel.write(zeros, at);
                        }
                    }
                } catch (IOException e) {
                    truncateQuietly(Math.max(from, size));   // no zeros left behind by a failed extension
                    throw e;
                }
                channel.force(true);
                counters.syncs.incrementAndGet();
                allocated = target;
            } finally {
                extendLock.unlock();
            }
        }

        /**
         * How far to zero-fill ahead: {@link #PREALLOCATE_BYTES}, or an eighth of the free space when
         * that is less, so a small file system is not filled by zeros; nothing when it cannot be known.
         */
        private long aheadBytes() {
            try {
                long usable = Files.getFileStore(path).getUsableSpace();
                return Math.min(PREALLOCATE_BYTES, usable / 8);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        void delete() {
            if (deleted) {
                return;
            }
            deleted = true;
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a leftover segment is replayed (harmlessly) and deleted by the next recovery
            }
            try {
                fileLock.release();
                file.close();
            } catch (IOException ignored) {
                // closing a file we no longer need
            }
            LIVE_SEGMENTS.remove(path);
        }
    }

    static void forceDirectory(Path dir) {
        // Makes a new directory entry durable; not supported on every platform, and harmless to skip there.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }
}
