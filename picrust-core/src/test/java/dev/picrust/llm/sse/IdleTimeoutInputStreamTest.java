package dev.picrust.llm.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Uses a real loopback socket: closing it is what wakes a blocked read in production too. */
class IdleTimeoutInputStreamTest {

    @Test
    void closesSourceWhenAReadWaitsTooLong() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            OutputStream out = peer.getOutputStream();
            out.write("hello".getBytes());
            out.flush();
            try (IdleTimeoutInputStream in = new IdleTimeoutInputStream(client.getInputStream(), Duration.ofMillis(200))) {
                assertThat(in.readNBytes(5)).isEqualTo("hello".getBytes());
                long start = System.nanoTime();
                assertThatThrownBy(in::read).isInstanceOf(IOException.class);
                assertThat(in.timedOut()).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void timeSpentOutsideReadsDoesNotCount() throws Exception {
        InputStream source = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        try (IdleTimeoutInputStream in = new IdleTimeoutInputStream(source, Duration.ofMillis(50))) {
            assertThat(in.read()).isEqualTo('x');
            // A consumer busy for longer than the idle timeout between reads is not a stalled server.
            Thread.sleep(300);
            assertThat(in.read()).isEqualTo('x');
            assertThat(in.timedOut()).isFalse();
        }
    }

    @Test
    void closeByAnotherThreadWakesTheReaderAndIsNotATimeout() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        InputStream source = new InputStream() {
            @Override
            public int read() throws IOException {
                reading.countDown();
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                throw new IOException("closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        IdleTimeoutInputStream in = new IdleTimeoutInputStream(source, Duration.ofSeconds(30));
        FutureTask<Integer> read = new FutureTask<>(in::read);
        Thread.ofVirtual().start(read);
        reading.await();
        in.close();
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThat(in.timedOut()).isFalse();
    }

    @Test
    void rejectsNonPositiveTimeout() {
        assertThatThrownBy(() -> new IdleTimeoutInputStream(InputStream.nullInputStream(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
