package dev.picrust.testkit.session;

import dev.picrust.session.JsonlSessionStore;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default store meets the contract; reopening is a second store over the same folder, as a
 * restarted process gets it. (Here rather than in picrust-core: the testkit depends on core.) Its
 * crash tests, which kill a JVM or copy a live journal, are core's {@code JournalTest} and
 * {@code JsonlSessionStoreTest}.
 */
class JsonlSessionStoreContractTest extends SessionStoreContract {
    @TempDir Path dir;

    @Override
    protected SessionStore createStore() {
        return new JsonlSessionStore(dir.resolve("sessions"));
    }

    @Override
    protected SessionStore reopen(SessionStore store) {
        return new JsonlSessionStore(dir.resolve("sessions"));
    }
}
