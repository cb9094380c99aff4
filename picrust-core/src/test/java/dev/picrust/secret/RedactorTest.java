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
    void aPlainBaseUrlInAProviderVariableIsNotASecretButOneWithCredentialsIs() {
        Redactor fromEnv = new Redactor(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:8080/proxy",
                "OPENAI_BASE_URL", "https://user:hunter2-password@proxy.example/v1", "GEMINI_BASE_URL", "https://g.example/?key=abcdefgh1234"));
        assertThat(fromEnv.redact("POST http://127.0.0.1:8080/proxy/v1/messages")).isEqualTo("POST http://127.0.0.1:8080/proxy/v1/messages");
        assertThat(fromEnv.redact("to https://user:hunter2-password@proxy.example/v1")).doesNotContain("hunter2");
        assertThat(fromEnv.redact("to https://g.example/?key=abcdefgh1234")).doesNotContain("abcdefgh1234");
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
}
