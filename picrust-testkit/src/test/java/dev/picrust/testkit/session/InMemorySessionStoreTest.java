package dev.picrust.testkit.session;

import dev.picrust.session.SessionStore;

/** The in-memory store meets the contract: the interface is all a store needs. */
class InMemorySessionStoreTest extends SessionStoreContract {
    @Override
    protected SessionStore createStore() {
        return new InMemorySessionStore();
    }

    @Override
    protected SessionStore reopen(SessionStore store) {
        return store;
    }
}
