package dev.picrust.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is shown, logged or stored: every <em>known</em> key (the
 * values of credential-named environment variables at start-up, and keys given to providers in code) and
 * anything <em>shaped</em> like one (provider key formats, private key blocks, bearer tokens,
 * {@code api_key=...} pairs). There is one per process ({@link #shared()}), because a key known to
 * one part (the provider that was given it) must be hidden by every other part (the error printer,
 * the session journal). Thread-safe.
 */
public final class Redactor {
    public static final String MASK = "[REDACTED]";
    /** Shorter values are too likely to occur by chance in ordinary text to be replaced everywhere. */
    static final int MIN_KNOWN_LENGTH = 8;

    private static final Pattern SHAPES = Pattern.compile(String.join("|",
            // A truncated block is cut up to the end, or up to a quote when the text is a JSON line.
            "-----BEGIN [A-Z ]*PRIVATE KEY-----[^\"]*?(?:-----END [A-Z ]*PRIVATE KEY-----|(?=\")|\\z)",
            "\\bsk-ant-[A-Za-z0-9_-]{16,}",
            "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
            "\\bAIza[0-9A-Za-z_-]{30,}",
            "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b",
            "\\bgh[pousr]_[A-Za-z0-9]{30,}",
            "\\bgithub_pat_[A-Za-z0-9_]{22,}",
            "\\bglpat-[A-Za-z0-9_-]{20,}",
            "\\bxox[abprs]-[A-Za-z0-9-]{10,}",
            "\\bhf_[A-Za-z0-9]{30,}",
            "\\bya29\\.[A-Za-z0-9_-]{20,}"));
    /** {@code Bearer <token>} and {@code api_key=<value>}-style pairs: the label stays, the value goes. */
    private static final Pattern LABELLED = Pattern.compile(
            "(?i)(\\bbearer\\s+|(?<![A-Za-z0-9])(?:x-api-key|x-goog-api-key|api[_-]?key|access[_-]?key|secret(?:[_-]?access)?[_-]?key"
                    + "|client[_-]?secret|auth[_-]?token|access[_-]?token|refresh[_-]?token|password|passwd)"
                    + "[\"']?\\s*[:=]\\s*[\"']?)([A-Za-z0-9_\\-.+/=~]{8,})");

    private static final Redactor SHARED = new Redactor(System.getenv());

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private volatile List<String> longestFirst = List.of();

    /** Knows the values of the key-like variables of {@code environment}. */
    Redactor(Map<String, String> environment) {
        environment.forEach((name, value) -> {
            if (ToolEnvironment.isCredentialName(name)) {
                register(value);
            }
        });
    }

    /** The process's redactor: the one every printer, logger and journal uses. */
    public static Redactor shared() {
        return SHARED;
    }

    /** Remembers a secret (an API key given in code, a token read from a file) so it is hidden everywhere. */
    public void register(String secret) {
        if (secret == null) {
            return;
        }
        String s = secret.strip();
        if (s.length() >= MIN_KNOWN_LENGTH && known.add(s)) {
            longestFirst = known.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        }
    }

    /**
     * Literal text that every match of {@link #SHAPES} contains. Scanning for these is an intrinsic
     * {@code indexOf}; the patterns run only when one is present, which on the loop's path (every
     * session line and tool input) is almost never.
     */
    private static final List<String> SHAPE_MARKS = List.of("-----BEGIN", "sk-", "AIza", "AKIA", "ASIA", "ghp_", "gho_",
            "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "hf_", "ya29.");
    /** Every label of {@link #LABELLED} contains one of these, in any case. */
    private static final List<String> LABEL_MARKS = List.of("bearer", "api", "access", "secret", "auth", "refresh", "passw");

    /** {@code text} with every known secret and everything shaped like one replaced by {@link #MASK}. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : longestFirst) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return redactShapes(out, hasShapeMark(out), hasLabelMark(out));
    }

    /** The patterns on every text, without the marks' shortcut: what {@link #redact} must always equal. */
    String redactWithoutShortcut(String text) {
        String out = text;
        for (String secret : longestFirst) {
            out = out.replace(secret, MASK);
        }
        return redactShapes(out, true, true);
    }

    private static String redactShapes(String text, boolean shaped, boolean labelled) {
        String out = shaped ? SHAPES.matcher(text).replaceAll(MASK) : text;
        if (!labelled) {
            return out;
        }
        Matcher matcher = LABELLED.matcher(out);
        if (matcher.find()) {
            out = matcher.replaceAll(m -> m.group(2).equals(MASK) ? Matcher.quoteReplacement(m.group())
                    : Matcher.quoteReplacement(m.group(1) + MASK));
        }
        return out;
    }

    private static boolean hasShapeMark(String text) {
        for (String mark : SHAPE_MARKS) {
            if (text.contains(mark)) {
                return true;
            }
        }
        return false;
    }

    /** One pass, ASCII case folded by hand: {@code toLowerCase} would copy every line. */
    private static boolean hasLabelMark(String text) {
        for (int i = 0, n = text.length() - 2; i < n; i++) {
            char c = (char) (text.charAt(i) | 0x20);  // folds A-Z onto a-z; no other character lands on a letter
            if (c == 'b' || c == 'a' || c == 's' || c == 'r' || c == 'p') {
                char d = (char) (text.charAt(i + 1) | 0x20);
                for (String mark : LABEL_MARKS) {
                    if (mark.charAt(0) == c && mark.charAt(1) == d && text.regionMatches(true, i, mark, 0, mark.length())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@code json} with every string value (and field name) redacted: a copy if anything changed, else {@code json} itself. */
    public JsonNode redact(JsonNode json) {
        return switch (json) {
            case TextNode t -> {
                String r = redact(t.textValue());
                yield r == t.textValue() ? t : TextNode.valueOf(r);
            }
            case ObjectNode o -> {
                ObjectNode copy = null;  // made at the first change: most inputs hold no secret
                for (Map.Entry<String, JsonNode> e : o.properties()) {
                    String name = redact(e.getKey());
                    JsonNode value = redact(e.getValue());
                    if (copy == null && (name != e.getKey() || value != e.getValue())) {
                        copy = o.objectNode();
                        for (Map.Entry<String, JsonNode> before : o.properties()) {
                            if (before.getKey().equals(e.getKey())) {
                                break;
                            }
                            copy.set(before.getKey(), before.getValue());
                        }
                    }
                    if (copy != null) {
                        copy.set(name, value);
                    }
                }
                yield copy == null ? o : copy;
            }
            case ArrayNode a -> {
                ArrayNode copy = null;
                for (int i = 0; i < a.size(); i++) {
                    JsonNode value = redact(a.get(i));
                    if (copy == null && value != a.get(i)) {
                        copy = a.arrayNode();
                        for (int j = 0; j < i; j++) {
                            copy.add(a.get(j));
                        }
                    }
                    if (copy != null) {
                        copy.add(value);
                    }
                }
                yield copy == null ? a : copy;
            }
            default -> json;
        };
    }

    /**
     * A throwable to log in place of {@code t}: the same class name, stack and causes, with every
     * message redacted (an HTTP client's exception can quote a request header).
     */
    public Throwable redact(Throwable t) {
        RuntimeException copy = new RuntimeException(t.getClass().getName() + ": " + redact(String.valueOf(t.getMessage())),
                t.getCause() == null || t.getCause() == t ? null : redact(t.getCause()));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** True if {@code value} is a known secret or contains something shaped like one. */
    public boolean isSecret(String value) {
        return value != null && !value.isEmpty() && !redact(value).equals(value);
    }
}
