package dev.picrust.secret;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
    final Redactor redactor = new Redactor(Map.of("MY_SERVICE_TOKEN", "opaque-token-value-42", "HOME", "/home/me"));

    @Test
    void knownKeysFromKeyNamedVariablesAreHiddenWhateverTheirShape() {
        assertThat(redactor.redact("auth failed for opaque-token-value-42!")).isEqualTo("auth failed for [REDACTED]!");
        assertThat(redactor.redact("home is /home/me")).isEqualTo("home is /home/me");
    }

    @Test
    void providerSettingsThatAreNotCredentialsStayReadable() {
        // The base URL was registered as a secret, so "connection to http://127.0.0.1:36087 failed"
        // read "connection to [REDACTED] failed", and every "us-east-1" in any text was masked.
        Redactor r = new Redactor(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:36087", "AWS_REGION", "us-east-1x",
                "OPENAI_API_KEY", "opaque-openai-value", "ANTHROPIC_AUTH_TOKEN", "opaque-auth-value"));
        assertThat(r.redact("connection to http://127.0.0.1:36087/v1/messages failed in us-east-1x"))
                .isEqualTo("connection to http://127.0.0.1:36087/v1/messages failed in us-east-1x");
        assertThat(r.redact("opaque-openai-value and opaque-auth-value")).isEqualTo("[REDACTED] and [REDACTED]");
        assertThat(ToolEnvironment.isSecretName("ANTHROPIC_BASE_URL")).as("still kept from tools").isTrue();
    }

    @Test
    void registeredKeysAreHidden() {
        redactor.register("short");  // too short to hide everywhere without mangling ordinary text
        redactor.register("configured-in-code-key");
        assertThat(redactor.redact("short configured-in-code-key")).isEqualTo("short [REDACTED]");
    }

    @Test
    void keyShapedTextIsHidden() {
        String[] keys = {"sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345", "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234",
                "AIzaSyA1234567890abcdefghijklmnopqrstu", "AKIAIOSFODNN7EXAMPLE",
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "xoxb-1234567890-abcdefghij"};
        for (String key : keys) {
            assertThat(redactor.redact("value=" + key + " end")).as(key).doesNotContain(key).contains("[REDACTED]");
        }
        assertThat(redactor.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload")).isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(redactor.redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .isEqualTo("aws_secret_access_key = [REDACTED]");
        assertThat(redactor.redact("x\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\ny"))
                .isEqualTo("x\n[REDACTED]\ny");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "max_tokens=8192; see https://docs.example.com/skills and task-list-item 42 (ask-for-help)";
        assertThat(redactor.redact(text)).isEqualTo(text);
    }

    @Test
    void jsonIsRedactedEverywhereAndStaysJson() throws Exception {
        JsonNode json = Json.parse("{\"error\":{\"message\":\"bad key sk-ant-api03-abcdefghijklmnopqrstuvwxyz\"},"
                + "\"list\":[\"opaque-token-value-42\", 3]}");
        assertThat(Json.write(redactor.redact(json)))
                .isEqualTo("{\"error\":{\"message\":\"bad key [REDACTED]\"},\"list\":[\"[REDACTED]\",3]}");
    }

    @Test
    void aRedactedJsonLineStaysValidJsonEvenForAnUnterminatedPrivateKey() throws Exception {
        String line = Json.write(Json.object().put("text", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow (cut)"));
        JsonNode back = Json.parse(redactor.redact(line));
        assertThat(back.path("text").asText()).isEqualTo("[REDACTED]");
    }

    @Test
    void throwablesAreRedactedWithTheirStack() {
        Exception e = new IllegalStateException("header x-api-key: opaque-token-value-42",
                new RuntimeException("again opaque-token-value-42"));
        Throwable safe = redactor.redact(e);
        assertThat(safe.getMessage()).doesNotContain("opaque-token-value-42").contains("IllegalStateException");
        assertThat(safe.getCause().getMessage()).doesNotContain("opaque-token-value-42");
        assertThat(safe.getStackTrace()).isEqualTo(e.getStackTrace());
    }

    @Test
    void toolEnvironmentsLoseCredentialsButKeepWhatTheOperatorPasses() {
        Map<String, String> env = new HashMap<>(Map.of("ANTHROPIC_API_KEY", "sk-ant-x", "OPENAI_API_KEY", "k",
                "GEMINI_API_KEY", "k", "GOOGLE_API_KEY", "k", "AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "s",
                "GITHUB_TOKEN", "t", "DB_PASSWORD", "p", "PATH", "/usr/bin", "INNOCENT", "sk-ant-api03-abcdefghijklmnopqrstuvwx"));
        env.put("HOME", "/home/me");
        ToolEnvironment.defaults().passing(java.util.Set.of("GITHUB_TOKEN")).scrub(env);
        assertThat(env).containsOnlyKeys("PATH", "HOME", "GITHUB_TOKEN");
    }

    @Test
    void theShortcutNeverSkipsWhatThePatternsFind() {
        // Texts spliced from labels, key shapes, separators and filler in any case: redact() with its
        // literal-mark shortcut must equal running every pattern on every text.
        String[] parts = {"Bearer ", "bearer\t", "X-API-KEY: ", "x-goog-api-key=", "Api_Key=\"", "ACCESS-TOKEN : ",
                "client_secret='", "Refresh_Token=", "PassWord: ", "passwd=", "aws_Secret_Access_Key = ", "auth-token:",
                "sk-ant-", "sk-proj-", "sk-", "AIza", "AKIA", "ASIA", "ghp_", "gho_", "github_pat_", "glpat-",
                "xoxb-", "xoxs-", "hf_", "ya29.", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
                "abcdefghijklmnopqrstuvwxyz0123", "ABCDEFGHIJKLMNOP", "0123456789", "opaque-token-value-42", "_", "-",
                ".", "/", "=", ":", " ", "\"", "\n", "é", "ß", "Ka", "ordinary text ", "{\"k\":\"", "\"}"};
        java.util.Random random = new java.util.Random(20261205);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(8); k >= 0; k--) {
                String part = parts[random.nextInt(parts.length)];
                text.append(switch (random.nextInt(3)) {
                    case 0 -> part.toUpperCase(java.util.Locale.ROOT);
                    case 1 -> part.toLowerCase(java.util.Locale.ROOT);
                    default -> part;
                });
            }
            String t = text.toString();
            assertThat(redactor.redact(t)).as(t).isEqualTo(redactor.redactWithoutShortcut(t));
        }
    }

    @Test
    void jsonWithoutSecretsIsReturnedAsItIsNotCopied() throws Exception {
        JsonNode clean = Json.parse("{\"command\":\"ls -la\",\"list\":[\"a\",{\"b\":1}]}");
        assertThat(redactor.redact(clean)).isSameAs(clean);
        JsonNode dirty = Json.parse("{\"a\":1,\"list\":[\"x\",\"opaque-token-value-42\"],\"z\":true}");
        assertThat(Json.write(redactor.redact(dirty))).isEqualTo("{\"a\":1,\"list\":[\"x\",\"[REDACTED]\"],\"z\":true}");
        assertThat(Json.write(dirty)).contains("opaque-token-value-42");
    }
}
