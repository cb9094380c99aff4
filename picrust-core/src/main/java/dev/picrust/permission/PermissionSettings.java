package dev.picrust.permission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rules and mode from settings files:
 * {@code {"permissions": {"allow": [...], "ask": [...], "deny": [...]}, "permissionMode": "plan"}}
 * ({@code permissions.defaultMode} is accepted too). Rules of all files add up; the mode comes from
 * the last file that sets one. The rules become the policy's {@link PermissionTier#CONFIG} tier.
 */
public record PermissionSettings(RuleSet rules, Optional<PermissionMode> mode) {
    public PermissionSettings {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(mode, "mode");
    }

    /**
     * The usual files, lowest precedence first: {@code <home>/settings.json},
     * {@code <project>/.picrust/settings.json}, {@code <project>/.picrust/settings.local.json}.
     */
    public static List<Path> standardFiles(Path picrustHome, Path projectDirectory) {
        Path project = projectDirectory.resolve(".picrust");
        return List.of(picrustHome.resolve("settings.json"), project.resolve("settings.json"),
                project.resolve("settings.local.json"));
    }

    /** Reads the files in order; missing files are skipped, broken ones are an error naming the file. */
    public static PermissionSettings load(List<Path> files) {
        RuleSet rules = RuleSet.EMPTY;
        Optional<PermissionMode> mode = Optional.empty();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root;
            try {
                root = Json.parse(Files.readString(file));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("settings file " + file + " is not valid JSON: "
                        + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read settings file " + file, e);
            }
            PermissionSettings one = parse(root, file);
            rules = rules.plus(one.rules());
            if (one.mode().isPresent()) {
                mode = one.mode();
            }
        }
        return new PermissionSettings(rules, mode);
    }

    public static PermissionSettings parse(JsonNode settings, Path source) {
        JsonNode permissions = settings.path("permissions");
        RuleSet rules = RuleSet.fromJson(permissions, source.toString());
        JsonNode modeNode = settings.hasNonNull("permissionMode") ? settings.get("permissionMode")
                : permissions.path("defaultMode");
        Optional<PermissionMode> mode = Optional.empty();
        if (modeNode.isTextual()) {
            mode = Optional.of(PermissionMode.parse(modeNode.asText()).orElseThrow(() -> new IllegalArgumentException(
                    source + ": unknown permission mode \"" + modeNode.asText()
                            + "\" (default, acceptEdits, plan, bypassPermissions)")));
        }
        return new PermissionSettings(rules, mode);
    }
}
