package dev.picrust.llm.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.LlmFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseEvent> readAll(InputStream in) throws IOException {
        List<SseEvent> events = new ArrayList<>();
        try (SseReader reader = new SseReader(in)) {
            Optional<SseEvent> e;
            while ((e = reader.next()).isPresent()) {
                events.add(e.get());
            }
            assertThat(reader.next()).as("stays at end").isEmpty();
        }
        return events;
    }

    private static List<SseEvent> readAll(String text) throws IOException {
        return readAll(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<SseEvent> readAll(byte[] bytes) throws IOException {
        return readAll(new ByteArrayInputStream(bytes));
    }

    @Test
    void readsEventDataAndId() throws IOException {
        assertThat(readAll("event: ping\ndata: {\"type\": \"ping\"}\nid: 7\n\n"))
                .containsExactly(new SseEvent("ping", "{\"type\": \"ping\"}", Optional.of("7")));
    }

    @Test
    void eventTypeDefaultsToMessage() throws IOException {
        assertThat(readAll("data: x\n\n")).containsExactly(new SseEvent("message", "x"));
    }

    @Test
    void joinsDataLinesWithNewline() throws IOException {
        assertThat(readAll("data: a\ndata:b\ndata:  c\n\n"))
                .containsExactly(new SseEvent("message", "a\nb\n c"));
    }

    @Test
    void removesOnlyOneSpaceAfterColon() throws IOException {
        assertThat(readAll("data:   three\n\n").getFirst().data()).isEqualTo("  three");
        assertThat(readAll("data:none\n\n").getFirst().data()).isEqualTo("none");
    }

    @Test
    void ignoresCommentsAndUnknownFields() throws IOException {
        assertThat(readAll(": keep-alive\nfoo: bar\ndata: x\n:another\n\n"))
                .containsExactly(new SseEvent("message", "x"));
    }

    @Test
    void lineWithoutColonIsAFieldWithEmptyValue() throws IOException {
        assertThat(readAll("data\ndata\n\n")).containsExactly(new SseEvent("message", "\n"));
    }

    @Test
    void emptyDataLineStillDispatches() throws IOException {
        assertThat(readAll("data:\n\n")).containsExactly(new SseEvent("message", ""));
    }

    @Test
    void eventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeak() throws IOException {
        assertThat(readAll("event: lonely\n\ndata: x\n\n")).containsExactly(new SseEvent("message", "x"));
    }

    @Test
    void acceptsLfCrAndCrlfLineEndings() throws IOException {
        List<SseEvent> expected = List.of(new SseEvent("a", "1"), new SseEvent("b", "2"), new SseEvent("c", "3"));
        assertThat(readAll("event: a\ndata: 1\n\nevent: b\rdata: 2\r\revent: c\r\ndata: 3\r\n\r\n"))
                .containsExactlyElementsOf(expected);
    }

    @Test
    void crAtEndOfOneReadAndLfAtStartOfNextAreOneLineEnd() throws IOException {
        byte[] bytes = "data: 1\r\n\r\ndata: 2\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        // Cut right after each \r: a reader that treats the following \n as a new line would dispatch early
        // or see an extra blank line; both would still be visible as wrong events.
        List<SseEvent> events = readAll(ChunkedInputStream.cutAt(bytes, 8, 10, 19, 21));
        assertThat(events).containsExactly(new SseEvent("message", "1"), new SseEvent("message", "2"));
    }

    @Test
    void crLfSplitDoesNotTurnIntoBlankLineInsideEvent() throws IOException {
        // "data: a\r" | "\ndata: b\r\n\r\n": if the split \r\n counted as two line ends, "a" would be dispatched alone.
        byte[] bytes = "data: a\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(ChunkedInputStream.cutAt(bytes, 8))).containsExactly(new SseEvent("message", "a\nb"));
    }

    @Test
    void decodesMultiByteUtf8SplitAcrossReads() throws IOException {
        String text = "data: 925 ÷ 5 = 185, 68°F, Привет, 😀 — ok\n\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(ChunkedInputStream.everyN(bytes, 1)))
                .containsExactly(new SseEvent("message", "925 ÷ 5 = 185, 68°F, Привет, 😀 — ok"));
    }

    @Test
    void everySplitPointOfARealStreamGivesTheSameEvents() throws IOException {
        byte[] bytes = LlmFixtures.bytes("anthropic-sse-thinking-signature-refusal.sse");
        List<SseEvent> whole = readAll(bytes);
        assertThat(whole).hasSize(14);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(readAll(ChunkedInputStream.cutAt(bytes, cut))).as("split at %d", cut).isEqualTo(whole);
        }
        assertThat(readAll(ChunkedInputStream.everyN(bytes, 1))).isEqualTo(whole);
        assertThat(readAll(ChunkedInputStream.everyN(bytes, 7))).isEqualTo(whole);
    }

    @Test
    void neverSplitsOnUnicodeLineSeparators() throws IOException {
        String data = "{\"text\":\"a\u2028b\u2029c\u0085d\u000Be\u000Cf\"}";
        assertThat(readAll("data: " + data + "\n\n")).containsExactly(new SseEvent("message", data));
    }

    @Test
    void dispatchesPendingEventAtEndOfInput() throws IOException {
        assertThat(readAll("data: a\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n"))
                .containsExactly(new SseEvent("message", "a"), new SseEvent("message_stop", "{\"type\":\"message_stop\"}"));
    }

    @Test
    void unterminatedLastLineCountsAtEndOfInput() throws IOException {
        assertThat(readAll("event: x\ndata: tail")).containsExactly(new SseEvent("x", "tail"));
    }

    @Test
    void fixtureWithoutFinalBlankLineStillYieldsMessageStop() throws IOException {
        List<SseEvent> events = readAll(LlmFixtures.bytes("anthropic-sse-text-then-tool-use.sse"));
        assertThat(events.getLast()).isEqualTo(new SseEvent("message_stop", "{\"type\":\"message_stop\"}"));
    }

    @Test
    void keepsTrailingPaddingInData() throws IOException {
        assertThat(readAll("data: {\"a\":1}     \n\n").getFirst().data()).isEqualTo("{\"a\":1}     ");
    }

    @Test
    void idPersistsAcrossEventsAndCanBeReset() throws IOException {
        List<SseEvent> events = readAll("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
        assertThat(events).extracting(SseEvent::id)
                .containsExactly(Optional.of("1"), Optional.of("1"), Optional.empty());
    }

    @Test
    void idContainingNulIsIgnored() throws IOException {
        List<SseEvent> events = readAll("id: good\ndata: a\n\nid: b\u0000ad\ndata: b\n\n");
        assertThat(events.get(1).id()).contains("good");
    }

    @Test
    void idAndRetryOfAnEventWithoutDataAreStillRecorded() throws IOException {
        try (SseReader reader = new SseReader(new ByteArrayInputStream("id: prime-1\nretry: 500\n\n".getBytes(StandardCharsets.UTF_8)))) {
            assertThat(reader.next()).isEmpty();
            assertThat(reader.lastEventId()).contains("prime-1");
            assertThat(reader.reconnectionDelay()).contains(Duration.ofMillis(500));
        }
    }

    @Test
    void retryAcceptsOnlyDigits() throws IOException {
        try (SseReader reader = new SseReader(new ByteArrayInputStream(
                "retry: 300\nretry: 1.5\nretry: -1\nretry: 99999999999999999999999\nretry:\ndata: x\n\n".getBytes(StandardCharsets.UTF_8)))) {
            assertThat(reader.next()).isPresent();
            assertThat(reader.reconnectionDelay()).contains(Duration.ofMillis(300));
        }
    }

    @Test
    void skipsLeadingByteOrderMarkOnly() throws IOException {
        byte[] text = "data: x\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        assertThat(readAll(ChunkedInputStream.everyN(withBom, 1))).containsExactly(new SseEvent("message", "x"));
        assertThat(readAll("data: \uFEFFx\n\n").getFirst().data()).isEqualTo("\uFEFFx");
    }

    @Test
    void malformedUtf8BecomesReplacementCharacter() throws IOException {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, 'x', '\n', '\n'};
        assertThat(readAll(bytes)).containsExactly(new SseEvent("message", "\uFFFDx"));
    }

    @Test
    void readsLinesLongerThanTheReadBuffer() throws IOException {
        String big = "é".repeat(50_000);
        assertThat(readAll("data: " + big + "\n\n")).containsExactly(new SseEvent("message", big));
    }

    @Test
    void emptyInputHasNoEvents() throws IOException {
        assertThat(readAll("")).isEmpty();
        assertThat(readAll("\n\n\r\n: only comments\n")).isEmpty();
    }

    @Test
    void eventsOfOneAndOfSeveralDataLinesInTurnDoNotMix() throws IOException {
        assertThat(readAll("event: content_block_delta\ndata: one\n\nevent: brand_new\ndata: a\ndata\ndata: c\n\n"
                + "event:content_block_delta\ndata: two\n\nevent: content_block_deltas\ndata:\n\n"))
                .containsExactly(new SseEvent("content_block_delta", "one"), new SseEvent("brand_new", "a\n\nc"),
                        new SseEvent("content_block_delta", "two"), new SseEvent("content_block_deltas", ""));
    }

    @Test
    void fieldNamesAreMatchedOnBytesEvenNextToMalformedUtf8() throws IOException {
        byte[] bytes = "\u00ffdata: x\nda\u00e9ta: y\ndata: z\n\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(readAll(bytes)).containsExactly(new SseEvent("message", "z"));
    }
}
