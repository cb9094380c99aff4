package dev.picrust.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names MCP tools get for the model: {@code mcp__<server>__<tool>}, within the providers' rule
 * {@code ^[a-zA-Z0-9_-]{1,64}$}.
 *
 * <ul>
 *   <li>Server names: characters outside {@code [A-Za-z0-9_-]} become {@code _}, runs of {@code _}
 *       collapse to one and leading/trailing {@code _} go, so {@code __} only ever separates the
 *       parts (permission rules like {@code mcp__github__*} rely on it).</li>
 *   <li>Tool names: characters outside {@code [A-Za-z0-9_-]} become {@code _}.</li>
 *   <li>Longer than 64 characters: cut to 55 and ended with {@code _} plus the first 8 hex digits of
 *       the SHA-256 of the unshortened name, so different long names stay different.</li>
 *   <li>Collisions (two tools of one server that clean up to the same name): the tools are taken in
 *       order of their original names; the first keeps the name, the next get {@code _2}, {@code _3},
 *       ... (shortened as above when needed). The outcome depends only on the set of names, not on the
 *       order the server lists them in.</li>
 * </ul>
 */
public final class McpToolNames {
    public static final String PREFIX = "mcp__";
    public static final int MAX_LENGTH = 64;
    private static final int CUT = 55;

    private McpToolNames() {
    }

    /** The cleaned server name, as used in tool names and permission rules. */
    public static String server(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_-]", "_").replaceAll("_+", "_").replaceAll("^_|_$", "");
        if (s.isEmpty()) {
            throw new IllegalArgumentException("MCP server name '" + name + "' has no usable characters "
                    + "(letters, digits, '-' or '_')");
        }
        return s;
    }

    /** Model-facing names for the tools of one server, keyed by the server's own tool names. */
    public static Map<String, String> forServer(String serverName, List<String> toolNames) {
        String prefix = PREFIX + server(serverName) + "__";
        List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(toolNames));
        Set<String> taken = new HashSet<>();
        Map<String, String> byOriginal = new LinkedHashMap<>();
        for (String original : sorted) {
            String base = prefix + original.replaceAll("[^A-Za-z0-9_-]", "_");
            String candidate = fit(base);
            for (int n = 2; !taken.add(candidate); n++) {
                candidate = fit(base + "_" + n);
            }
            byOriginal.put(original, candidate);
        }
        Map<String, String> inListOrder = new LinkedHashMap<>();
        toolNames.forEach(t -> inListOrder.put(t, byOriginal.get(t)));
        return inListOrder;
    }

    static String fit(String name) {
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, CUT) + "_" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
