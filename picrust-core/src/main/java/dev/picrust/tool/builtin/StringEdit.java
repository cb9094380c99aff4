package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolException;

/**
 * One exact-text replacement, applied to a file's decoded content. Line endings follow the file:
 * in a CRLF file the model's LF text is matched and written as CRLF, so the edit neither misses nor
 * mixes line endings.
 */
record StringEdit(String oldString, String newString, boolean replaceAll) {

    /** The content after the edit, how many places changed, and the line of the first change. */
    record Applied(String content, int replacements, int firstLine, String insertedText) {}

    /** Checks the edit itself, before looking at any file. */
    void validate() throws ToolException {
        if (oldString.isEmpty()) {
            throw new ToolException("old_string must not be empty: give the exact text to replace. To create a"
                    + " file use Write; to add text, include a neighbouring line in old_string and new_string.");
        }
        if (oldString.equals(newString)) {
            throw new ToolException("old_string and new_string are identical, so there is nothing to change.");
        }
    }

    Applied applyTo(String content, boolean crlfFile, String fileName) throws ToolException {
        validate();
        String find = oldString;
        String replacement = newString;
        int count = count(content, find);
        if (crlfFile) {
            String crlfFind = toCrlf(oldString);
            int crlfCount = count(content, crlfFind);
            if (crlfCount > 0 || count == 0) {
                find = crlfFind;
                replacement = toCrlf(newString);
                count = crlfCount;
            }
        } else if (count == 0 && oldString.contains("\r\n")) {
            find = oldString.replace("\r\n", "\n");
            replacement = newString.replace("\r\n", "\n");
            count = count(content, find);
        }
        if (count == 0) {
            throw new ToolException("old_string was not found in " + fileName + ". It must match the file exactly,"
                    + " including whitespace and indentation (Read the file again if it may have changed).");
        }
        if (count > 1 && !replaceAll) {
            throw new ToolException("old_string matches " + count + " places in " + fileName + ". Include more"
                    + " surrounding lines to make it unique, or set replace_all to true to change all " + count + ".");
        }
        int first = content.indexOf(find);
        int firstLine = lineOf(content, first);
        String updated = replaceAll ? content.replace(find, replacement)
                : content.substring(0, first) + replacement + content.substring(first + find.length());
        return new Applied(updated, replaceAll ? count : 1, firstLine, replacement);
    }

    private static int count(String content, String find) {
        int n = 0;
        for (int i = content.indexOf(find); i >= 0; i = content.indexOf(find, i + find.length())) {
            n++;
        }
        return n;
    }

    private static String toCrlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    private static int lineOf(String content, int index) {
        int line = 1;
        for (int i = content.indexOf('\n'); i >= 0 && i < index; i = content.indexOf('\n', i + 1)) {
            line++;
        }
        return line;
    }
}
