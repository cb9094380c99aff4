package dev.picrust.tool.builtin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Grep's {@code type} names (as in ripgrep's {@code --type}) and the file name endings they cover. */
final class FileTypes {
    private static final Map<String, List<String>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("java", List.of(".java"));
        TYPES.put("kotlin", List.of(".kt", ".kts"));
        TYPES.put("scala", List.of(".scala", ".sc"));
        TYPES.put("groovy", List.of(".groovy", ".gradle"));
        TYPES.put("js", List.of(".js", ".mjs", ".cjs", ".jsx"));
        TYPES.put("ts", List.of(".ts", ".tsx", ".mts", ".cts"));
        TYPES.put("py", List.of(".py", ".pyi"));
        TYPES.put("rust", List.of(".rs"));
        TYPES.put("go", List.of(".go"));
        TYPES.put("c", List.of(".c", ".h"));
        TYPES.put("cpp", List.of(".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h", ".inl"));
        TYPES.put("cs", List.of(".cs"));
        TYPES.put("swift", List.of(".swift"));
        TYPES.put("ruby", List.of(".rb", ".rake", ".gemspec"));
        TYPES.put("php", List.of(".php"));
        TYPES.put("sh", List.of(".sh", ".bash", ".zsh", ".ksh"));
        TYPES.put("sql", List.of(".sql"));
        TYPES.put("html", List.of(".html", ".htm", ".xhtml"));
        TYPES.put("css", List.of(".css", ".scss", ".sass", ".less"));
        TYPES.put("xml", List.of(".xml", ".xsd", ".xsl", ".xslt", ".pom"));
        TYPES.put("json", List.of(".json", ".jsonl", ".json5"));
        TYPES.put("yaml", List.of(".yaml", ".yml"));
        TYPES.put("toml", List.of(".toml"));
        TYPES.put("md", List.of(".md", ".markdown", ".mdx"));
        TYPES.put("txt", List.of(".txt"));
        TYPES.put("proto", List.of(".proto"));
        TYPES.put("lua", List.of(".lua"));
        TYPES.put("dart", List.of(".dart"));
        TYPES.put("elixir", List.of(".ex", ".exs"));
        TYPES.put("vue", List.of(".vue"));
        TYPES.put("svelte", List.of(".svelte"));
        TYPES.put("tf", List.of(".tf", ".tfvars"));
    }

    private static final Map<String, String> ALIASES = Map.of(
            "python", "py", "javascript", "js", "typescript", "ts", "rs", "rust", "markdown", "md",
            "c++", "cpp", "csharp", "cs", "shell", "sh", "bash", "sh", "yml", "yaml");

    private FileTypes() {}

    /** The endings for a type name, or empty if the name is unknown. */
    static Optional<List<String>> endings(String type) {
        String key = type.toLowerCase(java.util.Locale.ROOT);
        return Optional.ofNullable(TYPES.get(ALIASES.getOrDefault(key, key)));
    }

    static String knownNames() {
        return String.join(", ", TYPES.keySet());
    }

    static boolean matches(List<String> endings, String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        for (String ending : endings) {
            if (lower.endsWith(ending)) {
                return true;
            }
        }
        return false;
    }
}
