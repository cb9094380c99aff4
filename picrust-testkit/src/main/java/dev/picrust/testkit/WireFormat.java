package dev.picrust.testkit;

import java.util.Locale;

/**
 * The API a request to {@link MockLlmServer} speaks, told by its path the way the real services
 * route: {@code .../chat/completions} is OpenAI Chat Completions, {@code ...:generateContent} and
 * {@code ...:streamGenerateContent} are Gemini, anything else is Anthropic Messages.
 */
public enum WireFormat {
    ANTHROPIC,
    OPENAI_CHAT,
    GEMINI;

    public static WireFormat ofPath(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith("/chat/completions")) {
            return OPENAI_CHAT;
        }
        if (p.contains(":generatecontent") || p.contains(":streamgeneratecontent")) {
            return GEMINI;
        }
        return ANTHROPIC;
    }
}
