package dev.picrust.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff in unified format ({@code @@ -a,b +c,d @@}, lines prefixed with space, {@code -} or
 * {@code +}, three lines of context), for showing a human what an edit changes. Common leading and
 * trailing lines are set aside first, so an edit in a large file costs only the size of the changed
 * region; a changed region too large to compare line by line is shown as removed and added whole.
 */
final class UnifiedDiff {
    static final int CONTEXT = 3;
    /** Above this many cells the longest-common-subsequence table is not built. */
    private static final long MAX_CELLS = 4_000_000;

    private UnifiedDiff() {}

    private record Line(char op, String text, int oldNumber, int newNumber) {}

    /** The diff of {@code before} and {@code after} as lines without their line breaks; empty if equal. */
    static List<String> of(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<Line> script = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            script.add(new Line(' ', a.get(i), i, i));
        }
        script.addAll(middle(a.subList(prefix, a.size() - suffix), b.subList(prefix, b.size() - suffix), prefix));
        for (int k = suffix; k > 0; k--) {
            script.add(new Line(' ', a.get(a.size() - k), a.size() - k, b.size() - k));
        }
        return hunks(script);
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String normalised = text.replace("\r\n", "\n");
        if (normalised.endsWith("\n")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        return List.of(normalised.split("\n", -1));
    }

    /** The edit script of the changed region, by longest common subsequence. */
    private static List<Line> middle(List<String> a, List<String> b, int offset) {
        List<Line> out = new ArrayList<>();
        if ((long) a.size() * b.size() > MAX_CELLS) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Line('-', a.get(i), offset + i, -1));
            }
            for (int j = 0; j < b.size(); j++) {
                out.add(new Line('+', b.get(j), -1, offset + j));
            }
            return out;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add(new Line(' ', a.get(i), offset + i++, offset + j++));
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add(new Line('-', a.get(i), offset + i++, -1));  // removals before additions, as diff -u
            } else {
                out.add(new Line('+', b.get(j), -1, offset + j++));
            }
        }
        return out;
    }

    private static List<String> hunks(List<Line> script) {
        List<String> out = new ArrayList<>();
        int n = script.size();
        int k = 0;
        while (k < n) {
            while (k < n && script.get(k).op() == ' ') {
                k++;
            }
            if (k == n) {
                break;
            }
            int start = Math.max(0, k - CONTEXT);
            // Extend while the next change is within two contexts' reach, so nearby changes share a hunk.
            int lastChange = k;
            for (int m = k; m < n; m++) {
                if (script.get(m).op() != ' ') {
                    lastChange = m;
                } else if (m - lastChange > 2 * CONTEXT) {
                    break;
                }
            }
            int end = Math.min(n, lastChange + CONTEXT + 1);
            List<Line> hunk = script.subList(start, end);
            out.add(header(hunk));
            for (Line line : hunk) {
                out.add(line.op() + line.text());
            }
            k = end;
        }
        return out;
    }

    private static String header(List<Line> hunk) {
        int oldCount = 0;
        int newCount = 0;
        int oldStart = -1;
        int newStart = -1;
        for (Line line : hunk) {
            if (line.op() != '+') {
                oldCount++;
                if (oldStart < 0) {
                    oldStart = line.oldNumber();
                }
            }
            if (line.op() != '-') {
                newCount++;
                if (newStart < 0) {
                    newStart = line.newNumber();
                }
            }
        }
        return "@@ -" + range(oldStart, oldCount, hunk, true) + " +" + range(newStart, newCount, hunk, false) + " @@";
    }

    /** Unified-format range: 1-based start, and for an empty side the line before it. */
    private static String range(int start, int count, List<Line> hunk, boolean old) {
        if (count == 0) {
            int before = 0;
            for (Line line : hunk) {
                int number = old ? line.oldNumber() : line.newNumber();
                if (number >= 0) {
                    before = number + 1;
                }
            }
            return before + ",0";
        }
        return (start + 1) + (count == 1 ? "" : "," + count);
    }
}
