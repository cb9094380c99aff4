package dev.picrust.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** Where an image's or document's bytes come from. */
public sealed interface MediaSource {

    /** Inline bytes, base64-encoded. */
    record Base64(String mediaType, String data) implements MediaSource {
        public Base64 {
            Objects.requireNonNull(mediaType, "mediaType");
            Objects.requireNonNull(data, "data");
        }
    }

    /** A URL the provider fetches. */
    record Url(String url) implements MediaSource {
        public Url {
            Objects.requireNonNull(url, "url");
        }
    }

    /** Any other source shape (plain text, file ids, content lists), kept verbatim. */
    record Raw(ObjectNode json) implements MediaSource {
        public Raw {
            Objects.requireNonNull(json, "json");
            json = json.deepCopy();
        }
    }
}
