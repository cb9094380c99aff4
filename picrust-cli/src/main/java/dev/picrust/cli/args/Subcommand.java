package dev.picrust.cli.args;

import java.util.function.Supplier;

/**
 * A subcommand by name, its declarations made only when they are needed: parsing {@code picrust run}
 * builds {@code run} alone; help about the parent builds each to read its description.
 */
public record Subcommand(String name, Supplier<Command> create) {}
