package dev.picrust.agent.context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A system prompt that knows where the agent works: the role, then the environment (today's date, the
 * working folder, the platform, the git state) and the project's own instructions — every
 * {@code AGENTS.md} and {@code PICRUST.md} from the filesystem root down to the working folder, nearest
 * last, so the most specific instructions have the last word. Built once when an agent starts; the
 * per-call git status stays the job of {@link ContextInjector#gitStatus()}.
 */
public final class WorkspacePrompt {
    /** The instruction files looked for in each folder, in this order. */
    public static final List<String> INSTRUCTION_FILES = List.of("AGENTS.md", "PICRUST.md");
    /** Per file: instructions are for people and models, not megabytes of data. */
    static final int MAX_FILE_CHARS = 40_000;
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(2);

    private WorkspacePrompt() {}

    /** {@code role} followed by the environment and project instructions of {@code workingDirectory}. */
    public static String of(String role, Path workingDirectory) throws InterruptedException {
        return of(role, workingDirectory, Clock.systemDefaultZone());
    }

    static String of(String role, Path workingDirectory, Clock clock) throws InterruptedException {
        Path folder = workingDirectory.toAbsolutePath().normalize();
        StringBuilder prompt = new StringBuilder(role.strip());
        prompt.append("\n\n# Environment\n")
                .append("- Today's date: ").append(LocalDate.now(clock)).append('\n')
                .append("- Working folder: ").append(folder).append('\n')
                .append("- Platform: ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.arch")).append('\n')
                .append("- Git: ").append(gitState(folder)).append('\n');
        List<Path> files = instructionFiles(folder);
        if (!files.isEmpty()) {
            prompt.append("\n# Project instructions\n")
                    .append("Follow these instructions from the project's files; later (nearer) files win.\n");
            for (Path file : files) {
                read(file).ifPresent(text -> prompt.append("\n## ").append(file).append("\n\n").append(text.strip())
                        .append('\n'));
            }
        }
        return prompt.toString();
    }

    /** Instruction files from the root down to {@code folder} (nearest last). */
    public static List<Path> instructionFiles(Path folder) {
        List<List<Path>> byFolderNearestFirst = new ArrayList<>();
        for (Path dir = folder.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            List<Path> here = new ArrayList<>();
            for (String name : INSTRUCTION_FILES) {
                Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) {
                    here.add(file);
                }
            }
            byFolderNearestFirst.add(here);
        }
        List<Path> rootFirst = new ArrayList<>();
        for (List<Path> here : byFolderNearestFirst.reversed()) {
            rootFirst.addAll(here);
        }
        return List.copyOf(rootFirst);
    }

    private static String gitState(Path folder) throws InterruptedException {
        Optional<String> status = GitStatusInjector.status(folder, GIT_TIMEOUT);
        if (status.isEmpty()) {
            return "not a git repository (or git is unavailable)";
        }
        String[] lines = status.get().split("\n");
        String branch = lines[0].startsWith("## ") ? lines[0].substring(3) : "unknown branch";
        int changed = lines.length - (lines[0].startsWith("## ") ? 1 : 0);
        return "branch " + branch + (changed == 0 ? ", clean" : ", " + changed + " changed file(s)");
    }

    private static Optional<String> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            if (text.length() > MAX_FILE_CHARS) {
                text = text.substring(0, MAX_FILE_CHARS) + "\n... (cut: the file is longer than "
                        + MAX_FILE_CHARS + " characters)";
            }
            return Optional.of(text);
        } catch (CharacterCodingException e) {
            return Optional.of("(" + file.getFileName() + " is not UTF-8 text and was not read)");
        } catch (IOException e) {
            return Optional.empty();  // unreadable: as if absent
        }
    }
}
