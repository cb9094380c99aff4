package dev.picrust.cli.args;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;

/**
 * What a command's action gets: the command path it was reached by ({@code [picrust, sessions, show]}),
 * the names (every alias) of the options the arguments gave, and where its output goes.
 */
public record Invocation(List<String> commandPath, Set<String> givenOptions, PrintWriter out, PrintWriter err) {
    public Invocation {
        commandPath = List.copyOf(commandPath);
        givenOptions = Set.copyOf(givenOptions);
    }

    /** Whether the arguments gave this option (by any of its names), rather than it keeping its default. */
    public boolean given(String optionName) {
        return givenOptions.contains(optionName);
    }
}
