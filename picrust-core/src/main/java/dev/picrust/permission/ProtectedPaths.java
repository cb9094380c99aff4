package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Files that decide what an agent may do, and so must never be changed by the agent itself without
 * a human saying yes: the PiCrust home (rules files, user settings, sessions), the project's
 * {@code .picrust} folder (settings), {@code .mcp.json} (commands started as MCP servers), the hook
 * scripts the settings files name, and the repository's {@code .git/config} and {@code .git/hooks}
 * (both run code on the next ordinary {@code git} command). No rule and no mode allows a tool call
 * that writes one of them ({@link PermissionPolicy}); the bubblewrap sandbox mounts them read-only.
 *
 * <p>For Bash there is no reliable way to tell from the text which files a command writes, so any
 * command that <em>mentions</em> one of them (by path, by name, through {@code $PICRUST_HOME},
 * {@code git config}, a {@code core.fsmonitor}-style setting) needs approval. A command can still
 * hide a path from this check ({@code d=.pic; d=${d}rust}); the sandbox is what holds against that.
 */
public record ProtectedPaths(List<Path> paths, List<Pattern> mentions) {
    private static final List<Pattern> ALWAYS_MENTIONED = List.of(
            Pattern.compile("PICRUST_HOME"),
            Pattern.compile("(?<![\\w.-])\\.picrust\\b"),
            Pattern.compile("(?<![\\w.-])\\.git\\b(?![.-])"),
            Pattern.compile("(?<![\\w.-])\\.mcp\\.json\\b"),
            // `git config ...` as the subcommand (after global options), not the word in a commit message.
            Pattern.compile("\\bgit(?:\\s+(?:-[cC]\\s+\\S+|-\\S+))*\\s+config\\b"),
            Pattern.compile("(?i)\\bcore\\.(?:fsmonitor|hookspath|sshcommand|pager|editor|askpass|gitproxy)\\b"),
            Pattern.compile("(?i)\\binclude(?:if\\.\\S*?)?\\.path\\b"),
            Pattern.compile("\\bpicrust\\b[^;&|\\n]*\\bpermissions\\b"));

    public ProtectedPaths {
        paths = List.copyOf(paths);
        mentions = List.copyOf(mentions);
    }

    /** The protected files of an agent whose home is {@code picrustHome} and that works in {@code workingDirectory}. */
    public static ProtectedPaths standard(Path picrustHome, Path workingDirectory) {
        Path home = picrustHome.toAbsolutePath().normalize();
        Path wd = workingDirectory.toAbsolutePath().normalize();
        Set<Path> paths = new LinkedHashSet<>();
        paths.add(home);
        paths.add(wd.resolve(".picrust"));
        paths.add(wd.resolve(".mcp.json"));
        gitDirectory(wd).ifPresent(git -> {
            paths.add(git.resolve("config"));
            paths.add(git.resolve("hooks"));
        });
        List<Path> settings = List.of(home.resolve("settings.json"), wd.resolve(".picrust").resolve("settings.json"),
                wd.resolve(".picrust").resolve("settings.local.json"));
        List<Pattern> mentions = new ArrayList<>(ALWAYS_MENTIONED);
        mentions.add(Pattern.compile(Pattern.quote(home.toString())));
        for (Path script : hookScripts(settings, wd, home)) {
            paths.add(script);
            mentions.add(Pattern.compile("(?<![\\w.-])" + Pattern.quote(script.getFileName().toString()) + "(?![\\w.-])"));
        }
        return new ProtectedPaths(new ArrayList<>(paths), mentions);
    }

    /** The protected path {@code file} is, or lies under (also compared with symlinks resolved). */
    public Optional<Path> covering(Path file) {
        Path f = file.toAbsolutePath().normalize();
        Optional<Path> real = PathPattern.realPath(f);
        for (Path p : paths) {
            Optional<Path> realP = PathPattern.realPath(p);
            if (f.startsWith(p) || real.map(r -> r.startsWith(p) || realP.map(r::startsWith).orElse(false)).orElse(false)
                    || realP.map(f::startsWith).orElse(false)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What in a shell command refers to a protected file, if anything does. */
    public Optional<String> mentionIn(String command) {
        for (Pattern p : mentions) {
            var m = p.matcher(command);
            if (m.find()) {
                return Optional.of(m.group());
            }
        }
        return Optional.empty();
    }

    /** The repository's git directory: {@code .git} of the folder or of the nearest parent that has one. */
    private static Optional<Path> gitDirectory(Path wd) {
        for (Path dir = wd; dir != null; dir = dir.getParent()) {
            Path git = dir.resolve(".git");
            if (Files.isDirectory(git)) {
                return Optional.of(git);
            }
            if (Files.isRegularFile(git)) {
                // A worktree or submodule: ".git" is a file saying "gitdir: <path>"; config and hooks live
                // in the common directory, which is what an attacker would write.
                try {
                    String line = Files.readString(git).strip();
                    if (line.startsWith("gitdir:")) {
                        Path gitdir = dir.resolve(line.substring("gitdir:".length()).strip()).normalize();
                        Path common = gitdir;
                        Path commondir = gitdir.resolve("commondir");
                        if (Files.isRegularFile(commondir)) {
                            common = gitdir.resolve(Files.readString(commondir).strip()).normalize();
                        }
                        return Optional.of(common);
                    }
                } catch (IOException | InvalidPathException e) {
                    return Optional.of(git);
                }
                return Optional.of(git);
            }
        }
        return Optional.empty();
    }

    /**
     * Files named by the command hooks of these settings files: the command's words that are existing
     * files in the project, in the PiCrust home, or given with {@code ~/} (not {@code /bin/bash}).
     */
    private static List<Path> hookScripts(List<Path> settingsFiles, Path wd, Path home) {
        Path userHome = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
        List<Path> scripts = new ArrayList<>();
        for (Path file : settingsFiles) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root;
            try {
                root = Json.parse(Files.readString(file));
            } catch (IOException e) {
                continue;  // a broken settings file fails where it is loaded; here it names no script
            }
            for (JsonNode groups : root.path("hooks")) {
                for (JsonNode group : groups) {
                    for (JsonNode hook : group.path("hooks")) {
                        String command = hook.path("command").asText("")
                                .replace("${PICRUST_PROJECT_DIR}", wd.toString())
                                .replace("$PICRUST_PROJECT_DIR", wd.toString());
                        for (String word : command.split("\\s+")) {
                            String w = word.replaceAll("^[\"']|[\"';]$", "");
                            if (w.isEmpty() || w.startsWith("-")) {
                                continue;
                            }
                            try {
                                boolean tilde = w.startsWith("~/");
                                Path candidate = tilde ? userHome.resolve(w.substring(2)).normalize()
                                        : wd.resolve(w).normalize();
                                if (Files.isRegularFile(candidate)
                                        && (tilde || candidate.startsWith(wd) || candidate.startsWith(home))) {
                                    scripts.add(candidate);
                                }
                            } catch (InvalidPathException ignored) {
                                // not a path
                            }
                        }
                    }
                }
            }
        }
        return scripts;
    }
}
