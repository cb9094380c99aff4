package dev.picrust.tool.builtin;

import dev.picrust.Cancellation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Searches one file at a time for Grep. Line mode streams the file line by line (lines longer than
 * {@link #MAX_LINE_BYTES} are matched on their first part only); multiline mode reads files up to
 * {@link #MAX_MULTILINE_FILE_BYTES} whole. Content-mode lines go straight to the output in ripgrep's
 * layout: {@code path:line:text} for matches, {@code path-line-text} for context, {@code --}
 * between separate groups.
 */
final class GrepScanner {
    static final int MAX_LINE_BYTES = 256 * 1024;
    static final long MAX_MULTILINE_FILE_BYTES = 16L * 1024 * 1024;
    static final int MAX_DISPLAY_CHARS = 1000;
    private static final int SNIFF_BYTES = 8192;

    private final GrepTool.Options options;
    private final Cancellation cancellation;
    private final long deadlineNanos;
    private final GrepOutput output;
    private boolean printedAnyGroup;
    private int skippedLargeFiles;

    GrepScanner(GrepTool.Options options, Cancellation cancellation, long deadlineNanos, GrepOutput output) {
        this.options = options;
        this.cancellation = cancellation;
        this.deadlineNanos = deadlineNanos;
        this.output = output;
    }

    int skippedLargeFiles() {
        return skippedLargeFiles;
    }

    /**
     * Searches {@code file}; returns the number of matching lines (line mode) or matches
     * (multiline), or 1 for "some" when only the presence of a match matters. Unreadable and
     * binary files count as no match.
     */
    long scan(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(SNIFF_BYTES);
            if (FileSignature.looksBinary(head, head.length)) {
                return 0;
            }
            TextEncoding encoding = TextEncoding.detect(head, head.length, head.length < SNIFF_BYTES);
            InputStream in = new SequenceInputStream(new ByteArrayInputStream(head), raw);
            return options.multiline() ? scanWhole(file, in, encoding) : scanLines(file, in, encoding);
        } catch (IOException e) {
            return 0;
        }
    }

    private long scanLines(Path file, InputStream in, TextEncoding encoding) throws IOException {
        boolean content = options.mode() == GrepTool.Mode.CONTENT;
        BoundedLineReader reader = new BoundedLineReader(in, MAX_LINE_BYTES);
        Deque<String> before = new ArrayDeque<>();
        long lineNumber = 0;
        long lastPrinted = 0;
        int afterLeft = 0;
        long matches = 0;
        BoundedLineReader.Line line;
        while ((line = reader.next()) != null) {
            lineNumber++;
            if ((lineNumber & 0x3FF) == 0) {
                cancellation.throwIfCancelled();
            }
            String text = decode(line.kept(), encoding, lineNumber == 1);
            boolean hit = options.regex().matcher(guarded(text)).find();
            if (!hit) {
                if (content && afterLeft > 0) {
                    if (!print(file, lineNumber, text, false)) {
                        return matches;
                    }
                    lastPrinted = lineNumber;
                    afterLeft--;
                } else if (content && options.before() > 0) {
                    before.addLast(text);
                    if (before.size() > options.before()) {
                        before.removeFirst();
                    }
                }
                continue;
            }
            matches++;
            if (options.mode() == GrepTool.Mode.FILES_WITH_MATCHES) {
                return 1;
            }
            if (!content) {
                continue;
            }
            long firstBefore = lineNumber - before.size();
            if (lastPrinted == 0 || firstBefore > lastPrinted + 1) {
                if (!separate()) {
                    return matches;
                }
            }
            long n = firstBefore;
            for (String previous : before) {
                if (!print(file, n++, previous, false)) {
                    return matches;
                }
            }
            before.clear();
            if (!print(file, lineNumber, text, true)) {
                return matches;
            }
            lastPrinted = lineNumber;
            afterLeft = options.after();
        }
        return matches;
    }

    private long scanWhole(Path file, InputStream in, TextEncoding encoding) throws IOException {
        if (Files.size(file) > MAX_MULTILINE_FILE_BYTES) {
            skippedLargeFiles++;
            return 0;
        }
        String text = encoding.decode(in.readAllBytes());
        Matcher matcher = options.regex().matcher(guarded(text));
        List<int[]> ranges = new ArrayList<>();
        long matches = 0;
        LineIndex lines = null;
        while (matcher.find()) {
            matches++;
            if (options.mode() == GrepTool.Mode.FILES_WITH_MATCHES) {
                return 1;
            }
            if (options.mode() == GrepTool.Mode.CONTENT) {
                if (lines == null) {
                    lines = new LineIndex(text);
                }
                int first = lines.lineOf(matcher.start());
                int last = lines.lineOf(Math.max(matcher.start(), matcher.end() - 1));
                ranges.add(new int[] {first, last});
            }
            if (matcher.end() == matcher.start() && matcher.end() >= text.length()) {
                break;
            }
        }
        if (options.mode() == GrepTool.Mode.CONTENT && !ranges.isEmpty()) {
            printRanges(file, text, lines, ranges);
        }
        return matches;
    }

    private void printRanges(Path file, String text, LineIndex lines, List<int[]> ranges) {
        int count = lines.count();
        boolean[] matched = new boolean[count + 2];
        boolean[] shown = new boolean[count + 2];
        for (int[] range : ranges) {
            for (int l = range[0]; l <= range[1]; l++) {
                matched[l] = true;
            }
            for (int l = Math.max(1, range[0] - options.before()); l <= Math.min(count, range[1] + options.after()); l++) {
                shown[l] = true;
            }
        }
        int previous = 0;
        for (int l = 1; l <= count; l++) {
            if (!shown[l]) {
                continue;
            }
            if (previous == 0 || l > previous + 1) {
                if (!separate()) {
                    return;
                }
            }
            if (!print(file, l, lines.line(text, l), matched[l])) {
                return;
            }
            previous = l;
        }
    }

    /** Starts a new group of lines, with "--" before it when context lines are in use. */
    private boolean separate() {
        boolean ok = true;
        if (printedAnyGroup && (options.before() > 0 || options.after() > 0)) {
            ok = output.add("--");
        }
        printedAnyGroup = true;
        return ok;
    }

    private boolean print(Path file, long lineNumber, String text, boolean match) {
        char separator = match ? ':' : '-';
        String shown = text.length() > MAX_DISPLAY_CHARS ? cut(text) + " [... line truncated]" : text;
        String entry = options.lineNumbers()
                ? file.toString() + separator + lineNumber + separator + shown
                : file.toString() + separator + shown;
        return output.add(entry);
    }

    private static String cut(String text) {
        int end = MAX_DISPLAY_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private CharSequence guarded(String text) {
        return new GuardedText(text, cancellation, deadlineNanos);
    }

    private static String decode(byte[] bytes, TextEncoding encoding, boolean first) {
        String text = new String(bytes, encoding.charset());
        return first && !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    }

    /** Line starts of a whole file's text, for turning match offsets into line numbers. */
    private static final class LineIndex {
        private final int[] starts;
        private final int length;

        LineIndex(String text) {
            List<Integer> list = new ArrayList<>();
            list.add(0);
            for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
                if (i + 1 < text.length()) {
                    list.add(i + 1);
                }
            }
            starts = list.stream().mapToInt(Integer::intValue).toArray();
            length = text.length();
        }

        int count() {
            return starts.length;
        }

        /** 1-based line of a character offset. */
        int lineOf(int offset) {
            int i = java.util.Arrays.binarySearch(starts, offset);
            return (i >= 0 ? i : -i - 2) + 1;
        }

        String line(String text, int number) {
            int start = starts[number - 1];
            int end = number < starts.length ? starts[number] - 1 : length;
            if (end > start && text.charAt(end - 1) == '\n') {
                end--;
            }
            if (end > start && text.charAt(end - 1) == '\r') {
                end--;
            }
            return text.substring(start, end);
        }
    }
}
