package dev.picrust.cli;

import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sessions", description = "List stored sessions, newest first.")
final class SessionsCommand implements Callable<Integer> {

    @Option(names = "--sessions-dir", description = "Sessions folder (default: $PICRUST_HOME/sessions or ~/.picrust/sessions).")
    Path sessionsDir;

    @Override
    public Integer call() {
        SessionStore store = sessionsDir == null ? SessionStore.atDefaultLocation() : SessionStore.at(sessionsDir);
        for (SessionMetadata m : store.list()) {
            System.out.printf("%s  %s  %s  %s%s%n", m.id(), m.updatedAt(), m.agentType(), m.model(),
                    m.parentId().map(p -> "  (child of " + p + ")").orElse(""));
        }
        return 0;
    }
}
