package dev.picrust.mcp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The MCP server processes this JVM started and has not stopped yet. When the JVM exits (normally,
 * on Ctrl-C or SIGTERM) a shutdown hook kills whatever is left, children first, so no server
 * outlives the agent that used it. (A JVM killed with SIGKILL runs no hook; its servers then see
 * their stdin close, which ends every stdio server built on the MCP SDKs.)
 */
final class ServerProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> kill(p, Duration.ofMillis(500))),
                "mcp-server-reaper"));
    }

    private ServerProcesses() {
    }

    static void started(Process process) {
        LIVE.add(process);
    }

    /**
     * Stops a server: its descendants and itself get SIGTERM, then after {@code grace} SIGKILL.
     * Descendants are collected first, since {@code npx} and shell wrappers run the real server as
     * a child that would otherwise be left behind.
     */
    static void kill(Process process, Duration grace) {
        try {
            var tree = process.descendants().toList();
            tree.forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : tree) {
                if (child.isAlive()) {
                    child.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            LIVE.remove(process);
        }
    }
}
