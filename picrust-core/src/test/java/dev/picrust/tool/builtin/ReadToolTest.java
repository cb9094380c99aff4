package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.MediaSource;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadToolTest {
    @TempDir
    Path temp;
    TestToolContext context;
    Path work;
    final ReadTool read = new ReadTool();

    @BeforeEach
    void setUp() {
        context = TestToolContext.in(temp);
        work = context.workingDirectory();
    }

    ToolResult read(String json) throws Exception {
        return context.run(read, json);
    }

    static String input(Path file) {
        return "{\"file_path\":\"" + file + "\"}";
    }

    @Test
    void numbersLinesLikeCatN() throws Exception {
        Files.writeString(work.resolve("a.txt"), "alpha\nbeta\n\ngamma");
        ToolResult result = read("{\"file_path\":\"a.txt\"}");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).isEqualTo("     1\talpha\n     2\tbeta\n     3\t\n     4\tgamma\n");
    }

    @Test
    void offsetAndLimitSelectLinesAndSayWhatFollows() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(work.resolve("ten.txt"), text);
        ToolResult result = read("{\"file_path\":\"ten.txt\",\"offset\":4,\"limit\":2}");
        assertThat(result.text()).startsWith("     4\tline 4\n     5\tline 5\n")
                .contains("more lines follow; use offset=6");
        assertThat(read("{\"file_path\":\"ten.txt\",\"offset\":9}").text())
                .isEqualTo("     9\tline 9\n    10\tline 10\n");
    }

    @Test
    void defaultLimitIs2000Lines() throws Exception {
        Files.writeString(work.resolve("long.txt"), "x\n".repeat(2500));
        String text = read("{\"file_path\":\"long.txt\"}").text();
        assertThat(text).contains("  2000\tx\n").doesNotContain("  2001\t").contains("use offset=2001");
    }

    @Test
    void emptyFileAndOffsetPastTheEndAreExplained() throws Exception {
        Files.writeString(work.resolve("empty.txt"), "");
        ToolResult empty = read("{\"file_path\":\"empty.txt\"}");
        assertThat(empty.isError()).isFalse();
        assertThat(empty.text()).contains("exists but is empty");
        Files.writeString(work.resolve("three.txt"), "a\nb\nc\n");
        ToolResult past = read("{\"file_path\":\"three.txt\",\"offset\":7}");
        assertThat(past.isError()).isTrue();
        assertThat(past.text()).contains("has 3 lines; offset 7 is past the end");
    }

    @Test
    void missingFilesAndDirectoriesAreClearErrors() throws Exception {
        ToolResult missing = read("{\"file_path\":\"nope.txt\"}");
        assertThat(missing.isError()).isTrue();
        assertThat(missing.text()).startsWith("File does not exist: " + work.resolve("nope.txt"));
        Files.createDirectories(work.resolve("dir"));
        ToolResult dir = read("{\"file_path\":\"dir\"}");
        assertThat(dir.isError()).isTrue();
        assertThat(dir.text()).contains("is a directory");
    }

    @Test
    void longLinesAreCutInCharactersNotBytes() throws Exception {
        // 3000 two-byte characters: a byte-based cut would keep only 1000 of them.
        Files.writeString(work.resolve("wide.txt"), "é".repeat(3000) + "\nnext\n");
        String text = read("{\"file_path\":\"wide.txt\"}").text();
        String first = text.lines().findFirst().orElseThrow();
        assertThat(first).startsWith("     1\t" + "é".repeat(2000) + "... [line truncated");
        assertThat(first).doesNotContain("é".repeat(2001));
        assertThat(text).contains("     2\tnext");
    }

    @Test
    void cutNeverSplitsASurrogatePair() throws Exception {
        Files.writeString(work.resolve("emoji.txt"), "a" + "😀".repeat(1500) + "\n");
        String line = read("{\"file_path\":\"emoji.txt\"}").text().lines().findFirst().orElseThrow();
        String content = line.substring(7, line.indexOf("... [line truncated"));
        assertThat(content.length()).isLessThanOrEqualTo(2000);
        assertThat(Character.isHighSurrogate(content.charAt(content.length() - 1))).isFalse();
    }

    @Test
    void crlfLinesAreShownWithoutCarriageReturns() throws Exception {
        Files.writeString(work.resolve("dos.txt"), "one\r\ntwo\r\n");
        assertThat(read("{\"file_path\":\"dos.txt\"}").text()).isEqualTo("     1\tone\n     2\ttwo\n");
    }

    @Test
    void nonUtf8TextIsDecodedAsLatin1WithANote() throws Exception {
        Files.write(work.resolve("latin.txt"), "café crème\n".getBytes(StandardCharsets.ISO_8859_1));
        ToolResult result = read("{\"file_path\":\"latin.txt\"}");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).startsWith("     1\tcafé crème\n").contains("not valid UTF-8");
    }

    @Test
    void utf8BomIsNotShown() throws Exception {
        Files.write(work.resolve("bom.txt"), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i', '\n'});
        assertThat(read("{\"file_path\":\"bom.txt\"}").text()).isEqualTo("     1\thi\n");
    }

    @Test
    void binaryFilesAreRefused() throws Exception {
        Files.write(work.resolve("data.bin"), new byte[] {1, 2, 0, 3, 'a', 'b'});
        ToolResult result = read("{\"file_path\":\"data.bin\"}");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("binary file");
    }

    @Test
    void imagesAreRecognisedByContentAndReturnedAsImageBlocks() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        Files.write(work.resolve("picture.dat"), png);
        ToolResult result = read("{\"file_path\":\"picture.dat\"}");
        assertThat(result.isError()).isFalse();
        ImageBlock image = (ImageBlock) result.content().get(1);
        MediaSource.Base64 source = (MediaSource.Base64) image.source();
        assertThat(source.mediaType()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(source.data())).isEqualTo(png);
    }

    @Test
    void pdfsBecomeDocumentBlocks() throws Exception {
        Files.writeString(work.resolve("doc.pdf"), "%PDF-1.4\n%%EOF\n");
        ToolResult result = read("{\"file_path\":\"doc.pdf\"}");
        DocumentBlock document = (DocumentBlock) result.content().get(1);
        assertThat(((MediaSource.Base64) document.source()).mediaType()).isEqualTo("application/pdf");
    }

    @Test
    void oversizedImagesAreRefused() throws Exception {
        Path big = work.resolve("big.gif");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.write("GIF89a".getBytes(StandardCharsets.US_ASCII));
            file.setLength(ReadTool.MAX_IMAGE_BYTES + 1);
        }
        ToolResult result = read(input(big));
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("over the 5.0 MB limit");
    }

    @Test
    void aOneGigabyteSparseFileIsReadWithBoundedMemory() throws Exception {
        Path huge = work.resolve("huge.log");
        StringBuilder head = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            head.append("entry ").append(i).append('\n');
        }
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.write(head.toString().getBytes(StandardCharsets.UTF_8));
            file.setLength(1L << 30); // the rest is one gigantic "line" of zero bytes, never written to disk
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        ToolResult start = read("{\"file_path\":\"huge.log\",\"offset\":1,\"limit\":3}");
        assertThat(start.text()).startsWith("     1\tentry 1\n     2\tentry 2\n     3\tentry 3\n");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);

        // Lines 1999-2001: the last is the gigantic zero-filled line, which must be capped while reading.
        before = threads.getCurrentThreadAllocatedBytes();
        ToolResult end = read("{\"file_path\":\"huge.log\",\"offset\":1999,\"limit\":5}");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(end.isError()).isFalse();
        assertThat(end.text()).startsWith("  1999\tentry 1999\n  2000\tentry 2000\n  2001\t")
                .contains("[line truncated; " + ((1L << 30) - head.length()) + " bytes in total]");
        assertThat(allocated).as("bytes allocated reading a 1 GB line").isLessThan(32L << 20);
    }

    @Test
    void readingRecordsTheFileForTheWriteGuard() throws Exception {
        Path file = Files.writeString(work.resolve("seen.txt"), "x");
        read(input(file));
        FileReadTracker tracker = context.agentResource(FileReadTracker.class, FileReadTracker::new);
        assertThat(tracker.lastSeen(file)).isPresent();
        assertThat(tracker.whyNotWritable(file)).isEmpty();
    }

    @Test
    void confinementAppliesToRead() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(work.resolve("link"), outside);
        context.confinedTo(work);
        ToolResult result = read("{\"file_path\":\"link/secret\"}");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("outside the allowed directories");
    }

    @Test
    void readIsConcurrencySafeAndReadOnly() {
        assertThat(read.readOnly()).isTrue();
        assertThat(read.concurrencySafe()).isTrue();
    }

    @Test
    void aKernelFileThatBlocksEndsAtTheDeadlineInsteadOfHanging() throws Exception {
        Path kmsg = Path.of("/proc/kmsg");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(kmsg), "no readable /proc/kmsg here");
        var result = new java.util.concurrent.CompletableFuture<dev.picrust.tool.ToolResult>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(context.run(new ReadTool(), dev.picrust.json.Json.parse("{\"file_path\":\"/proc/kmsg\"}")));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        // Either the kernel had messages to give at once, or the read is cut off at its deadline.
        dev.picrust.tool.ToolResult r = result.get(ReadTool.HEAD_DEADLINE.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
        if (r.isError()) {
            assertThat(r.text()).contains("gave no data within");
        }
    }
}
