package dev.picrust.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Linux sandbox through bubblewrap ({@code bwrap}): the whole file system is mounted read-only, then
 * the writable folders (the workspace first) are bound read-write on top, then the protected paths
 * (the PiCrust home, settings and rules files, {@code .git/config}, {@code .git/hooks}) read-only on
 * top of those, so they stay read-only even inside the workspace. {@code /tmp} is a private folder
 * of this agent's. The command gets its own PID namespace (everything it started dies with it) and,
 * with the network off, its own empty network namespace.
 *
 * <p>As root (containers, CI) bwrap needs no user namespace of its own; as a normal user it needs
 * unprivileged user namespaces, which some distributions restrict ({@link #availability()} says so).
 */
public record BubblewrapSandbox(Path executable, List<Path> writable, List<Path> protectedPaths, Path privateTemp,
                                boolean network) implements Sandbox {
    private static final long PROBE_SECONDS = 10;

    /** Tried on first use, once per process (the class is initialised lazily and thread-safely). */
    private static final class Probe {
        static final Optional<String> PROBLEM = probe();
    }

    public BubblewrapSandbox {
        Objects.requireNonNull(executable, "executable");
        writable = List.copyOf(writable);
        protectedPaths = List.copyOf(protectedPaths);
        Objects.requireNonNull(privateTemp, "privateTemp");
    }

    /** {@code bwrap} on the PATH (or in /usr/bin, /bin), if installed. */
    public static Optional<Path> findExecutable() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/bin", "/bin", "/usr/local/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "bwrap"))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /**
     * Empty if bubblewrap can confine commands on this machine, else why not. Tried once per process
     * by running {@code true} in the same kind of sandbox the commands get.
     */
    public static Optional<String> availability() {
        return Probe.PROBLEM;
    }

    private static Optional<String> probe() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("the bubblewrap sandbox is for Linux (on macOS see docs/SECURITY.md for sandbox-exec)");
        }
        Optional<Path> bwrap = findExecutable();
        if (bwrap.isEmpty()) {
            return Optional.of("bubblewrap (bwrap) is not installed; install the 'bubblewrap' package");
        }
        try {
            Path out = Files.createTempFile("picrust-bwrap-probe", ".txt");
            try {
                Process p = new ProcessBuilder(bwrap.get().toString(), "--die-with-parent", "--unshare-pid",
                        "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--", "true")
                        .redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.of("bwrap did not start within " + PROBE_SECONDS + " s");
                }
                if (p.exitValue() != 0) {
                    String why = Files.readString(out, StandardCharsets.UTF_8).strip();
                    return Optional.of("bwrap cannot create a sandbox here (" + (why.isEmpty() ? "exit " + p.exitValue() : why)
                            + "); unprivileged user namespaces may be disabled");
                }
                return Optional.empty();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return Optional.of("bwrap could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying bwrap");
        }
    }

    List<String> argv(List<String> command, List<Path> alsoReadable) {
        List<String> a = new ArrayList<>(List.of(executable.toString(), "--die-with-parent", "--unshare-pid",
                "--unshare-ipc"));
        if (!network) {
            a.add("--unshare-net");
        }
        a.addAll(List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
        bind(a, "--bind", privateTemp, Path.of("/tmp"));
        for (Path readable : alsoReadable) {
            existing(readable).ifPresent(r -> bind(a, "--ro-bind", r, r));
        }
        for (Path folder : writable) {
            existing(folder).ifPresent(f -> bind(a, "--bind", f, f));
        }
        for (Path guarded : protectedPaths) {
            existing(guarded).ifPresent(g -> bind(a, "--ro-bind", g, g));
        }
        a.add("--");
        a.addAll(command);
        return a;
    }

    private static void bind(List<String> argv, String kind, Path source, Path target) {
        argv.add(kind);
        argv.add(source.toString());
        argv.add(target.toString());
    }

    /** The real path: bwrap mounts onto the real location, so a symlinked workspace must be resolved. */
    private static Optional<Path> existing(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
