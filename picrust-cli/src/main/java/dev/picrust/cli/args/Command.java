package dev.picrust.cli.args;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A command as declared in code: its name, description paragraphs, parameters, subcommands and the
 * action that runs once the arguments are bound. {@code -h/--help} and {@code -V/--version} belong to
 * every command without being declared, and a command with subcommands also has {@code help [COMMAND]}.
 * A command with subcommands and no action prints its help.
 */
public record Command(String name, List<String> description, List<Parameter> parameters,
                      List<Subcommand> subcommands, Optional<Action> action) {

    public Command {
        description = List.copyOf(description);
        parameters = List.copyOf(parameters);
        subcommands = List.copyOf(subcommands);
    }

    /** What runs after parsing; returns the exit code. */
    @FunctionalInterface
    public interface Action {
        int run(Invocation invocation) throws Exception;
    }

    public static Builder named(String name, String... description) {
        return new Builder(name, List.of(description));
    }

    /** The declarations of one command, in the order the help lists them. */
    public static final class Builder {
        private final String name;
        private final List<String> description;
        private final List<Parameter> parameters = new ArrayList<>();
        private final List<Subcommand> subcommands = new ArrayList<>();
        private Optional<Action> action = Optional.empty();

        private Builder(String name, List<String> description) {
            this.name = name;
            this.description = description;
        }

        public Builder with(Parameter parameter) {
            parameters.add(parameter);
            return this;
        }

        public Builder subcommand(String subcommandName, Supplier<Command> create) {
            subcommands.add(new Subcommand(subcommandName, create));
            return this;
        }

        public Builder action(Action run) {
            action = Optional.of(run);
            return this;
        }

        public Command build() {
            return new Command(name, description, parameters, subcommands, action);
        }
    }
}
