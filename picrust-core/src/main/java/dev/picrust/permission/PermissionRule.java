package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.PermissionBehavior;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's subject: a tool, optionally narrowed by a specifier. Written {@code Tool} or
 * {@code Tool(specifier)}; {@code Tool()} and {@code Tool(*)} mean the whole tool.
 *
 * <p>Tool names match exactly, except: a trailing {@code *} matches any rest of the name
 * ({@code mcp__github__create_*}); {@code mcp__server} and {@code mcp__server__*} cover every tool
 * of that MCP server; {@code Read} also covers Glob, Grep, LS and NotebookRead; {@code Edit}
 * also covers Write, MultiEdit and NotebookEdit.
 *
 * <p>Specifiers by tool:
 * <ul>
 *   <li>Bash: {@code git status} exact command; {@code git:*} the command {@code git} with any
 *       arguments (word boundary: not {@code gitk}); {@code npm run *} a glob ({@code *} is any text;
 *       a trailing {@code " *"} also matches no arguments). Matched against every command the
 *       {@link ShellAnalysis} finds, see {@link CommandSpec} and {@link ShellDecision}.</li>
 *   <li>Write and Edit rules also apply to files a Bash command writes by output redirection.</li>
 *   <li>File tools (and any tool whose input has {@code file_path}, {@code notebook_path} or
 *       {@code path}): gitignore-style path patterns, see {@link PathPattern}.</li>
 *   <li>WebFetch: {@code domain:example.com} (subdomains included) or a glob over the URL.</li>
 *   <li>Any other tool: a glob that must equal one of the input's top-level string values
 *       (e.g. {@code Task(researcher)}).</li>
 * </ul>
 */
public record PermissionRule(String tool, Optional<String> specifier) {
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]+(?:\\*)?");
    private static final Map<String, Set<String>> FAMILIES = Map.of(
            "Read", ToolTarget.READ_TOOLS, "Edit", ToolTarget.EDIT_TOOLS);

    public PermissionRule {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(specifier, "specifier");
        if (!TOOL_NAME.matcher(tool).matches()) {
            throw new IllegalArgumentException("invalid tool name in permission rule: \"" + tool + "\"");
        }
        specifier = specifier.map(String::strip).filter(s -> !s.isEmpty() && !s.equals("*"));
    }

    /** Parses {@code Tool} or {@code Tool(specifier)}. */
    public static PermissionRule parse(String text) {
        String s = text.strip();
        int open = s.indexOf('(');
        if (open < 0) {
            if (s.contains(")")) {
                throw new IllegalArgumentException("unbalanced parenthesis in permission rule: \"" + text + "\"");
            }
            return new PermissionRule(s, Optional.empty());
        }
        if (!s.endsWith(")")) {
            throw new IllegalArgumentException("permission rule must end with ')': \"" + text + "\"");
        }
        return new PermissionRule(s.substring(0, open).strip(), Optional.of(s.substring(open + 1, s.length() - 1)));
    }

    public static PermissionRule tool(String name) {
        return new PermissionRule(name, Optional.empty());
    }

    public static PermissionRule of(String tool, String specifier) {
        return new PermissionRule(tool, Optional.of(specifier));
    }

    public boolean isWholeTool() {
        return specifier.isEmpty();
    }

    /** True if this rule is about {@code toolName} at all (before looking at the specifier). */
    public boolean coversTool(String toolName) {
        if (tool.equals(toolName)) {
            return true;
        }
        if (tool.endsWith("*")) {
            return toolName.startsWith(tool.substring(0, tool.length() - 1));
        }
        if (tool.startsWith("mcp__") && tool.indexOf("__", 5) < 0) {
            return toolName.startsWith(tool + "__");
        }
        return FAMILIES.getOrDefault(tool, Set.of()).contains(toolName);
    }

    /** True if the rule matches one subject of a call. */
    boolean matches(ToolTarget.Subject subject, PermissionBehavior behavior, Path workingDirectory, Path home) {
        if (specifier.isEmpty()) {
            return true;
        }
        String spec = specifier.get();
        return switch (subject) {
            case ToolTarget.Command c -> CommandSpec.parse(spec).matches(c.invocation(), behavior);
            case ToolTarget.Redirect r -> r.path()
                    .map(p -> PathPattern.parse(spec, workingDirectory, home).matches(p)).orElse(false);
            case ToolTarget.FilePath f -> PathPattern.parse(spec, workingDirectory, home).matches(f.path());
            case ToolTarget.Url u -> spec.startsWith("domain:")
                    ? hostMatches(u.host(), spec.substring("domain:".length()).strip().toLowerCase(java.util.Locale.ROOT))
                    : glob(spec).matcher(u.url()).matches();
            case ToolTarget.Input i -> anyStringMatches(i.input(), glob(spec));
        };
    }

    private static boolean hostMatches(String host, String domain) {
        return host.equals(domain) || host.endsWith("." + domain);
    }

    private static boolean anyStringMatches(JsonNode input, Pattern pattern) {
        for (Map.Entry<String, JsonNode> field : input.properties()) {
            JsonNode v = field.getValue();
            if (v.isTextual() && pattern.matcher(v.asText()).matches()) {
                return true;
            }
        }
        return false;
    }

    /** {@code *} is any text; everything else is literal. */
    static Pattern glob(String spec) {
        return CommandSpec.glob(spec);
    }

    /**
     * The narrowest rules that allow this call again, what an "always" answer saves by default: the
     * exact command line for Bash, the exact file (absolute) for file tools; for anything else the
     * same as {@link #suggestWider}. A human who wants more must pick the wider rules explicitly.
     */
    public static List<PermissionRule> suggest(String toolName, JsonNode input, Path workingDirectory) {
        if (toolName.equals("Bash") && input.path("command").isTextual() && !input.path("command").asText().isBlank()) {
            return List.of(of(toolName, input.path("command").asText().strip()));
        }
        if (input.path("file_path").isTextual() || input.path("notebook_path").isTextual()) {
            java.util.Optional<String> path = ToolTarget.pathField(input, Path.of(System.getProperty("user.home")));
            if (path.isPresent()) {
                Path file = workingDirectory.toAbsolutePath().normalize().resolve(path.get()).normalize();
                // A file name with glob characters: each becomes '?', which matches that one character too.
                return List.of(of(toolName, file.toString().replaceAll("[*?\\[]", "?")));
            }
        }
        return suggestWider(toolName, input, workingDirectory);
    }

    /**
     * Rules an "always allow" answer could save for this call and calls like it, to be saved
     * together. For a Bash line: one {@code cmd sub:*} rule per command it runs (wrappers and
     * substitutions included) and a {@code Write} rule per file it writes by redirection, or the
     * exact line if the analyser cannot prove what it runs. For file tools, the file's directory;
     * the whole tool otherwise.
     */
    public static List<PermissionRule> suggestWider(String toolName, JsonNode input, Path workingDirectory) {
        if (toolName.equals("Bash") && input.path("command").isTextual()
                && DisplayText.hasHiddenCharacters(input.path("command").asText())) {
            // Control characters can make a command look like something else; only its exact text is
            // ever remembered, so "always" can never cover more than what was shown.
            return List.of(of(toolName, input.path("command").asText()));
        }
        Path home = Path.of(System.getProperty("user.home"));
        ToolTarget target = ToolTarget.of(toolName, input, workingDirectory, home);
        Set<PermissionRule> rules = new LinkedHashSet<>();
        Path wd = workingDirectory.toAbsolutePath().normalize();
        if (target.shell().isPresent()) {
            return suggestShell(toolName, target);
        }
        for (ToolTarget.Subject subject : target.subjects()) {
            switch (subject) {
                case ToolTarget.Command c -> { }
                case ToolTarget.Redirect r -> { }
                case ToolTarget.FilePath f -> {
                    if (rules.isEmpty()) {
                        Path dir = input.path("file_path").isTextual() || input.path("notebook_path").isTextual()
                                ? f.path().getParent() : f.path();
                        String spec = dir == null ? "/**"
                                : dir.startsWith(wd) ? (dir.equals(wd) ? "**" : wd.relativize(dir) + "/**")
                                : dir + "/**";
                        rules.add(of(toolName, spec));
                    }
                }
                case ToolTarget.Url u -> rules.add(of(toolName, "domain:" + u.host()));
                case ToolTarget.Input i -> rules.add(tool(toolName));
            }
        }
        if (rules.isEmpty() && toolName.equals("Bash") && input.path("command").isTextual()) {
            return List.of(of(toolName, input.path("command").asText()));  // never the whole of Bash
        }
        return rules.isEmpty() ? List.of(tool(toolName)) : new ArrayList<>(rules);
    }

    private static List<PermissionRule> suggestShell(String toolName, ToolTarget target) {
        ToolTarget.Shell shell = target.shell().orElseThrow();
        String line = shell.commandLine().strip();
        if (line.isEmpty()) {
            return List.of(tool(toolName));
        }
        boolean exactOnly = !shell.analysis().understood() || target.subjects().stream().anyMatch(s ->
                s instanceof ToolTarget.Command c && (c.invocation().withEnvironment() || prefixOf(c.invocation()).isEmpty())
                || s instanceof ToolTarget.Redirect r && r.path().isEmpty());
        if (exactOnly) {
            return List.of(of(toolName, line));
        }
        Set<PermissionRule> rules = new LinkedHashSet<>();
        for (ToolTarget.Subject subject : target.subjects()) {
            switch (subject) {
                case ToolTarget.Command c -> rules.add(of(toolName, prefixOf(c.invocation()).orElseThrow() + ":*"));
                case ToolTarget.Redirect r -> rules.add(of("Write", r.path().orElseThrow().toString()));
                default -> { }
            }
        }
        return rules.isEmpty() ? List.of(of(toolName, line)) : new ArrayList<>(rules);
    }

    /** The command word, plus its subcommand if the second word looks like one ({@code git status}). */
    private static java.util.Optional<String> prefixOf(ShellInvocation invocation) {
        List<ShellWord> words = invocation.words();
        java.util.Optional<String> name = invocation.writtenName()
                .filter(n -> n.matches("[A-Za-z0-9_./+@%-][A-Za-z0-9_./+@%:=,-]*"));
        if (name.isEmpty()) {
            return name;
        }
        if (words.size() >= 2 && words.get(1).value().filter(v -> v.matches("[a-z][a-z0-9-]*")).isPresent()) {
            return java.util.Optional.of(name.get() + " " + words.get(1).value().get());
        }
        return name;
    }

    /** The rule as written in settings and rule files. */
    @Override
    public String toString() {
        return specifier.map(s -> tool + "(" + s + ")").orElse(tool);
    }
}
