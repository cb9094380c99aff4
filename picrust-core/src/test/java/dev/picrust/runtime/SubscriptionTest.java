package dev.picrust.runtime;

import dev.picrust.event.EndReason;

import dev.picrust.event.OutputChunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

    @Test
    void slowSubscriberLosesOnlyItsOwnChunksAndIsToldHowMany() throws Exception {
        OutputBus bus = new OutputBus();
        Subscription slow = bus.subscribe(3);
        Subscription fast = bus.subscribe(100);
        for (int i = 0; i < 10; i++) {
            bus.publish(new OutputChunk.TextDelta("c" + i));
        }
        bus.publish(new OutputChunk.Done(EndReason.END_TURN));
        bus.end();

        List<OutputChunk> slowSeen = drain(slow);
        assertThat(slowSeen).containsExactly(new OutputChunk.TextDelta("c0"), new OutputChunk.TextDelta("c1"),
                new OutputChunk.TextDelta("c2"), new OutputChunk.Lagged(8));
        assertThat(drain(fast)).hasSize(11);
    }

    @Test
    void lagMarkerSitsAtTheGap() throws Exception {
        OutputBus bus = new OutputBus();
        Subscription s = bus.subscribe(1);
        bus.publish(new OutputChunk.TextDelta("a"));
        bus.publish(new OutputChunk.TextDelta("lost"));
        assertThat(s.next()).contains(new OutputChunk.TextDelta("a"));
        bus.publish(new OutputChunk.TextDelta("b"));
        assertThat(s.next()).contains(new OutputChunk.Lagged(1));
        assertThat(s.next()).contains(new OutputChunk.TextDelta("b"));
    }

    @Test
    void drainToTakesWhatIsBufferedWithTheLagMarkerAtTheGapAndNeverWaits() {
        OutputBus bus = new OutputBus();
        Subscription s = bus.subscribe(2);
        List<OutputChunk> sink = new ArrayList<>();
        assertThat(s.drainTo(sink)).isZero();
        bus.publish(new OutputChunk.TextDelta("a"));
        bus.publish(new OutputChunk.TextDelta("b"));
        bus.publish(new OutputChunk.TextDelta("lost"));
        assertThat(s.drainTo(sink)).isEqualTo(3);
        bus.publish(new OutputChunk.TextDelta("c"));
        assertThat(s.drainTo(sink)).isEqualTo(1);
        assertThat(sink).containsExactly(new OutputChunk.TextDelta("a"), new OutputChunk.TextDelta("b"),
                new OutputChunk.Lagged(1), new OutputChunk.TextDelta("c"));
    }

    @Test
    void closedSubscriberIsForgotten() {
        OutputBus bus = new OutputBus();
        Subscription s = bus.subscribe();
        assertThat(bus.subscriberCount()).isEqualTo(1);
        s.close();
        assertThat(bus.subscriberCount()).isZero();
    }

    private static List<OutputChunk> drain(Subscription s) throws InterruptedException {
        List<OutputChunk> seen = new ArrayList<>();
        while (true) {
            var c = s.poll(Duration.ofSeconds(5));
            if (c.isEmpty()) {
                return seen;
            }
            seen.add(c.get());
        }
    }
}
