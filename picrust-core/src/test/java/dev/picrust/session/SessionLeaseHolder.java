package dev.picrust.session;

import dev.picrust.llm.Message;

/**
 * A child JVM for {@link SessionLeaseIT}: opens (or creates) a session, says "HOLDING" (or "REFUSED"
 * and why), and keeps it open until its standard input closes or it is killed.
 */
public final class SessionLeaseHolder {
    public static void main(String[] args) throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(java.nio.file.Path.of(args[0]));
        String id = args[1];
        AgentSession session;
        try {
            session = store.exists(id) ? store.open(id) : store.create(SessionMetadata.create(id, "agent", "m", "p"));
        } catch (SessionException refused) {
            System.out.println("REFUSED " + refused.getMessage());
            System.out.flush();
            return;
        }
        session.append(Message.user("from the child"));
        System.out.println("HOLDING");
        System.out.flush();
        while (System.in.read() != -1) {
            // held until the parent closes our input or kills us
        }
        session.close();
    }
}
