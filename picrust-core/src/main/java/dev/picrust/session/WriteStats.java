package dev.picrust.session;

/**
 * What a {@link JsonlSessionStore} has written since it was created, for benchmarks and diagnostics.
 *
 * @param historyBytes bytes appended to history files
 * @param journalBytes bytes written to the group-commit journal (history lines plus record headers)
 * @param syncs forces to disk: journal commits, history files forced at close or checkpoint,
 *              metadata files, and folders whose new entries had to be made durable
 */
public record WriteStats(long historyBytes, long journalBytes, long syncs) {}
