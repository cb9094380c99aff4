package dev.picrust.llm.wire;

import dev.picrust.llm.LlmException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/** What every provider config checks about its base URL, and how each reads one from a variable. */
public final class BaseUrl {
    private BaseUrl() {}

    /** {@code url} when it is an absolute http(s) URL; else a configuration error naming {@code provider}. */
    public static URI require(URI url, String provider) {
        if (url.getScheme() == null || url.getHost() == null
                || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new LlmException(LlmException.Kind.CONFIGURATION,
                    provider + " base URL must be an absolute http(s) URL, got " + url);
        }
        return url;
    }

    /** The URL in {@code variable}, if set; a configuration error naming the variable when it is no URL. */
    public static Optional<URI> fromEnvironment(Map<String, String> env, String variable) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(value.trim()));
        } catch (URISyntaxException e) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, variable + " is not a valid URL: " + value,
                    0, null, false, e);
        }
    }

    /** {@code url} as text without trailing slashes, ready for a path to be appended. */
    public static String withoutTrailingSlash(URI url) {
        String text = url.toString();
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        return text.substring(0, end);
    }
}
