package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.event.InputMessage;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inbox alone, without an agent: order, steering, stopping, and input kept at close. */
class InboxTest {
    private final CurrentTurn turn = new CurrentTurn();
    private final Inbox inbox = new Inbox(turn, "s-1");

    private static InputMessage.UserInput user(String text) {
        return new InputMessage.UserInput(List.of(new TextBlock(text)));
    }

    @Test
    void inputComesOutInOrderAndSteeringTakesOnlyTheUserInputAtTheFront() throws Exception {
        inbox.submit(user("a"));
        inbox.submit(user("b"));
        inbox.submit(new InputMessage.Continue());
        inbox.submit(user("c"));

        assertThat(inbox.takeSteering()).containsExactly(user("a"), user("b"));
        assertThat(inbox.next()).contains(new InputMessage.Continue());
        assertThat(inbox.next()).contains(user("c"));
        assertThat(inbox.takeSteering()).isEmpty();
    }

    @Test
    void pinnedInputNeverSteersSoItStaysAMessageOfItsOwn() throws Exception {
        InputMessage.UserInput pinned = new InputMessage.UserInput(List.of(new TextBlock("always use tabs")), true);
        inbox.submit(user("a"));
        inbox.submit(pinned);
        inbox.submit(user("b"));

        assertThat(inbox.takeSteering()).containsExactly(user("a"));
        assertThat(inbox.next()).contains(pinned);
        assertThat(inbox.takeSteering()).containsExactly(user("b"));
    }

    @Test
    void aShutdownEndsTheInputAndWhatWasNeverProcessedIsHandedBackAtClose() throws Exception {
        inbox.submit(user("queued before the shutdown"));
        turn.shutdown();
        inbox.shutdown();

        assertThat(inbox.next()).as("the agent is to stop").isEmpty();
        inbox.submit(user("after the stop signal, before close"));
        List<ContentBlock> kept = inbox.close();

        assertThat(kept).containsExactly(new TextBlock("queued before the shutdown"),
                new TextBlock("after the stop signal, before close"));
        assertThatThrownBy(() -> inbox.submit(user("too late")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("s-1");
    }

    @Test
    void aTurnThatBeginsAfterAShutdownStartsCancelledAndAnInterruptCancelsOnlyTheRunningTurn() {
        var first = turn.begin();
        turn.interrupt();
        assertThat(first.isCancelled()).isTrue();
        turn.end();
        turn.interrupt();  // between turns: nothing to cancel
        var second = turn.begin();
        assertThat(second.isCancelled()).isFalse();
        turn.end();

        turn.shutdown();
        assertThat(turn.begin().isCancelled()).isTrue();
    }
}
