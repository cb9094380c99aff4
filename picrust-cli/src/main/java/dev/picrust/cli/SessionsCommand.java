package dev.picrust.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.cli.args.Command;
import dev.picrust.cli.args.Parameter;
import dev.picrust.event.UsageTotals;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.session.SessionException;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionSnapshot;
import dev.picrust.session.SessionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.picrust.cli.args.Parameter.positional;
import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.PATH;
import static dev.picrust.cli.args.ValueType.STRING;

final class SessionsCommand {

    Path sessionsDir;

    Command declare() {
        return Command.named("sessions", "List stored sessions, newest first; show or export one.")
                .with(sessionsDirOption())
                .subcommand("show", () -> new Show(this).declare())
                .subcommand("export", () -> new Export(this).declare())
                .action(parsed -> call(parsed.out()))
                .build();
    }

    /** {@code --sessions-dir}, accepted before the subcommand's name and after it. */
    Parameter sessionsDirOption() {
        return single("--sessions-dir", PATH, "Sessions folder (default: $PICRUST_HOME/sessions or ~/.picrust/sessions).",
                v -> sessionsDir = v);
    }

    int call(PrintWriter out) {
        for (SessionMetadata m : store().list()) {
            String folder = Launch.of(m).map(l -> l.workingDirectory().toString()).orElse("-");
            String first = m.description().isBlank() ? "" : "  \"" + m.description() + "\"";
            out.printf("%s  %s  %s  %s  %s%s%s%n", m.id(), m.updatedAt().truncatedTo(ChronoUnit.SECONDS), m.agentType(),
                    m.model(), folder, m.parentId().map(p -> "  (child of " + p + ")").orElse(""), first);
        }
        out.flush();
        return 0;
    }

    SessionStore store() {
        return sessionsDir == null ? SessionStore.atDefaultLocation() : SessionStore.at(sessionsDir);
    }

    /** The session's metadata and messages, read without its writer's lock (an agent may be running on it). */
    /** A stored session as read: its messages and records, what its model calls used, and with its subagents ({@code tree}). */
    record Transcript(SessionMetadata metadata, List<Message> messages, List<String> warnings,
                      List<com.fasterxml.jackson.databind.node.ObjectNode> records, UsageTotals usage, UsageTotals tree) {
        static Transcript read(SessionStore store, String id) {
            if (!store.exists(id)) {
                throw new CliException("no session '" + id + "' in " + store.location());
            }
            try {
                SessionSnapshot session = store.read(id);
                UsageTotals tree = session.usage().plus(subagentUsage(store, session.metadata().children(),
                        new java.util.HashSet<>(List.of(id))));
                return new Transcript(session.metadata(), session.messages(), session.warnings(), session.records(),
                        session.usage(), tree);
            } catch (SessionException | IllegalStateException e) {
                throw new CliException("cannot read session " + id + ": " + e.getMessage());
            }
        }

        /** The usage of the subagent sessions under a session, at any depth; one that cannot be read counts as none. */
        private static UsageTotals subagentUsage(SessionStore store, List<String> children, java.util.Set<String> seen) {
            UsageTotals total = UsageTotals.ZERO;
            for (String child : children) {
                if (seen.add(child) && store.exists(child)) {
                    try {
                        SessionSnapshot snapshot = store.read(child);
                        total = total.plus(snapshot.usage()).plus(subagentUsage(store, snapshot.metadata().children(), seen));
                    } catch (SessionException | IllegalStateException e) {
                        // a child being written elsewhere or damaged: the parent's own figures still show
                    }
                }
            }
            return total;
        }
    }

    static final class Show {
        private final SessionsCommand parent;
        String id;

        Show(SessionsCommand parent) {
            this.parent = parent;
        }

        Command declare() {
            return Command.named("show", "Render a session for reading.")
                    .with(positional("ID", STRING, "", v -> id = v))
                    .with(parent.sessionsDirOption())
                    .action(parsed -> call(parsed.out()))
                    .build();
        }

        int call(PrintWriter out) {
            Transcript t = Transcript.read(parent.store(), id);
            SessionMetadata m = t.metadata();
            out.println("session " + m.id() + "  (" + m.agentType() + ", " + m.provider() + " " + m.model() + ")");
            out.println("created " + m.createdAt().truncatedTo(ChronoUnit.SECONDS) + ", updated "
                    + m.updatedAt().truncatedTo(ChronoUnit.SECONDS));
            Launch.of(m).ifPresent(l -> out.println("folder " + l.workingDirectory()));
            m.parentId().ifPresent(p -> out.println("child of " + p));
            if (!m.children().isEmpty()) {
                out.println("subagents " + String.join(", ", m.children()));
            }
            out.println("usage " + UsageText.full(t.usage()));
            if (t.tree().calls() > t.usage().calls()) {
                out.println("with subagents " + UsageText.full(t.tree()));
            }
            t.warnings().forEach(w -> out.println("repaired: " + w));
            for (int i = 0; i < t.messages().size(); i++) {
                Message message = t.messages().get(i);
                for (var record : t.records()) {
                    if (record.path("record").asText().equals("compaction") && record.path("from_message").asInt(-1) == i) {
                        out.println();
                        out.println("── compacted (" + record.path("trigger").asText("?") + "): from here on the model saw a"
                                + " summary in place of the messages above");
                    }
                }
                out.println();
                out.println(message.role() == Role.USER ? "── user" : "── assistant");
                for (ContentBlock block : message.content()) {
                    switch (block) {
                        case TextBlock text -> out.println(text.text());
                        case ToolUseBlock use -> out.println("● " + use.name() + " " + ChunkPrinter.Text.preview(
                                use.input().toString()));
                        case ToolResultBlock result -> out.println((result.isError() ? "  ! " : "  = ")
                                + ChunkPrinter.Text.preview(result.text()));
                        case ThinkingBlock thinking -> out.println("(thinking) " + ChunkPrinter.Text.preview(
                                thinking.thinking()));
                        case ImageBlock image -> out.println("[image]");
                        default -> out.println("[" + block.getClass().getSimpleName() + "]");
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    static final class Export {
        private final SessionsCommand parent;
        String id;
        String format;
        Path output;

        Export(SessionsCommand parent) {
            this.parent = parent;
        }

        Command declare() {
            return Command.named("export", "Export a session as Markdown (a readable transcript) or JSON (metadata and "
                            + "messages).")
                    .with(positional("ID", STRING, "", v -> id = v))
                    .with(single("--format", STRING, "md or json (default: ${DEFAULT-VALUE}).", v -> format = v)
                            .defaultValue("md"))
                    .with(single("-o, --output", PATH, "File to write (default: standard output).", v -> output = v))
                    .with(parent.sessionsDirOption())
                    .action(parsed -> call(parsed.out()))
                    .build();
        }

        int call(PrintWriter out) throws IOException {
            Transcript t = Transcript.read(parent.store(), id);
            String text = switch (format.toLowerCase()) {
                case "md", "markdown" -> markdown(t);
                case "json" -> json(t);
                default -> throw new CliException("unknown --format '" + format + "' (use md or json)");
            };
            if (output == null) {
                out.print(text);
                out.flush();
            } else {
                Files.writeString(output, text, StandardCharsets.UTF_8);
            }
            return 0;
        }

        static String json(Transcript t) {
            ObjectNode root = Json.object();
            root.set("metadata", t.metadata().toJson());
            root.set("usage", t.usage().toJson());
            root.set("tree_usage", t.tree().toJson());
            ArrayNode messages = root.putArray("messages");
            t.messages().forEach(m -> messages.add(MessageCodec.toJson(m)));
            return Json.write(root) + "\n";
        }

        /** A code fence longer than any run of backticks in {@code text}, so the text cannot close it. */
        static String fenceFor(String text) {
            int longest = 0;
            int run = 0;
            for (int i = 0; i < text.length(); i++) {
                run = text.charAt(i) == '`' ? run + 1 : 0;
                longest = Math.max(longest, run);
            }
            return "`".repeat(Math.max(3, longest + 1));
        }

        static String markdown(Transcript t) {
            SessionMetadata m = t.metadata();
            StringBuilder md = new StringBuilder("# Session " + m.id() + "\n\n");
            md.append("- model: ").append(m.provider()).append(' ').append(m.model()).append('\n');
            Launch.of(m).ifPresent(l -> md.append("- folder: `").append(l.workingDirectory()).append("`\n"));
            md.append("- created: ").append(m.createdAt().truncatedTo(ChronoUnit.SECONDS)).append('\n');
            for (Message message : t.messages()) {
                md.append("\n## ").append(message.role() == Role.USER ? "User" : "Assistant").append("\n\n");
                for (ContentBlock block : message.content()) {
                    switch (block) {
                        case TextBlock text -> md.append(text.text()).append("\n\n");
                        case ToolUseBlock use -> md.append("**Tool call** `").append(use.name()).append("`\n\n```json\n")
                                .append(Json.write(use.input())).append("\n```\n\n");
                        case ToolResultBlock result -> {
                            String fence = fenceFor(result.text());
                            md.append(result.isError() ? "**Tool error**" : "**Tool result**").append("\n\n")
                                    .append(fence).append('\n').append(result.text()).append('\n').append(fence)
                                    .append("\n\n");
                        }
                        case ThinkingBlock thinking -> md.append("<details><summary>thinking</summary>\n\n")
                                .append(thinking.thinking()).append("\n\n</details>\n\n");
                        default -> md.append("*[").append(block.getClass().getSimpleName()).append("]*\n\n");
                    }
                }
            }
            return md.toString();
        }
    }
}
