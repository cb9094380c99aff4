package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the analyser against real bash. A seeded generator builds command lines from spellings of
 * command names (quotes, escapes, ANSI-C, paths, brace expansion, variables), wrappers, and every
 * kind of nesting (lists, pipelines, groups, substitutions, here-documents, functions, case, loops,
 * {@code bash -c}, {@code eval}, comments). Each line runs in bash in a scratch folder whose PATH
 * holds only tracing stubs (each appends its name to a log; wrapper stubs then run the real
 * wrapper). The property: every program bash ran is among the analyser's commands, and every file
 * that appeared was an analysed redirection target, unless the analyser said it cannot prove the
 * line. Fixed seed and count in CI; {@code -Dpicrust.fuzz.seed=N -Dpicrust.fuzz.count=N} to explore.
 */
class ShellAnalysisFuzzTest {
    private static final List<String> PROGRAMS = List.of("rm", "ls", "cat", "git", "touch", "mkdir", "curl", "npm", "make");
    /** Wrappers whose stub runs the real program, so that the command they start is traced too. */
    private static final List<String> WRAPPERS = List.of("env", "nohup", "nice", "timeout", "stdbuf", "setsid", "xargs",
            "find", "bash", "sh");

    @TempDir
    Path root;
    Path stubs;
    Random random;

    @Test
    void everyProgramBashRunsIsFoundOrTheAnalyserSaysItCannotProve() throws Exception {
        long seed = Long.getLong("picrust.fuzz.seed", 20261205L);
        int count = Integer.getInteger("picrust.fuzz.count", 150);
        random = new Random(seed);
        stubs = Files.createDirectories(root.resolve("stubs"));
        Map<String, String> real = new HashMap<>();
        for (String wrapper : WRAPPERS) {
            Stream.of("/usr/bin/", "/bin/", "/usr/sbin/").map(d -> Path.of(d + wrapper)).filter(Files::isExecutable)
                    .findFirst().ifPresent(p -> real.put(wrapper, p.toString()));
        }
        assumeThat(real).as("bash and coreutils present").containsKeys("bash", "env");
        for (String program : PROGRAMS) {
            stub(program, "");
        }
        for (Map.Entry<String, String> wrapper : real.entrySet()) {
            stub(wrapper.getKey(), "exec " + wrapper.getValue() + " \"$@\"\n");
        }
        List<String> wrappers = new ArrayList<>(real.keySet());
        wrappers.sort(null);

        int understood = 0;
        int traced = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String line = command(3, wrappers);
            ShellAnalysis analysis = ShellAnalysis.of(line);
            if (!analysis.understood()) {
                continue; // nothing to check: the analyser does not claim to know what it runs
            }
            understood++;
            Path scratch = Files.createDirectories(root.resolve("run" + i));
            Set<String> ran;
            try {
                ran = run(line, scratch, real.get("bash"));
            } catch (IllegalStateException e) {
                failures.add(e.getMessage());
                continue;
            }
            Set<String> analysed = analysis.commands().stream().flatMap(c -> c.name().stream()).collect(Collectors.toSet());
            Set<String> written = analysis.writes().stream().flatMap(w -> w.word().value().stream())
                    .map(v -> Path.of(v).getFileName().toString()).collect(Collectors.toSet());
            Set<String> created;
            try (Stream<Path> files = Files.list(scratch)) {
                created = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            }
            if (!analysed.containsAll(ran)) {
                failures.add("ran " + ran + " but the analyser found " + analysed + ": " + line);
            }
            if (!written.containsAll(created)) {
                failures.add("created " + created + " but the analyser found writes " + written + ": " + line);
            }
            if (!ran.isEmpty()) {
                traced++;
            }
        }
        assertThat(failures).as("seed " + seed).isEmpty();
        // the property is not vacuous: most lines are understood, and programs did run
        assertThat(understood).as("lines understood").isGreaterThan(count / 3);
        assertThat(traced).as("understood lines that ran a traced program").isGreaterThan(understood / 2);
    }

    private void stub(String name, String then) throws IOException {
        Path file = stubs.resolve(name);
        // a per-run log: a process substitution bash does not wait for may still write after its run
        Files.writeString(file, "#!/bin/sh\nprintf '%s\\n' '" + name + "' >> \"$TRACE_LOG\"\n" + then);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Set<String> run(String line, Path scratch, String bash) throws Exception {
        Path log = scratch.resolveSibling(scratch.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(bash, "-c", line + "\nwait").directory(scratch.toFile())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().put("PATH", stubs.toString());
        pb.environment().put("HOME", scratch.toString());
        pb.environment().put("TRACE_LOG", log.toString());
        Process process = pb.start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            // every generated loop ends; a line that does not is one bash reads differently
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("bash did not finish a line the analyser understood: " + line);
        }
        return Files.exists(log) ? new HashSet<>(Files.readAllLines(log)) : Set.of();
    }

    // ---- the generator

    private String command(int depth, List<String> wrappers) {
        if (depth == 0 || random.nextInt(3) == 0) {
            return simple(wrappers);
        }
        Supplier<String> c = () -> command(depth - 1, wrappers);
        return switch (random.nextInt(33)) {
            case 0 -> c.get() + "; " + c.get();
            case 1 -> c.get() + " && " + c.get();
            case 2 -> c.get() + " || " + c.get();
            case 3 -> c.get() + " | " + c.get();
            case 4 -> "(" + c.get() + ")";
            case 5 -> "{ " + c.get() + "; }";
            case 6 -> "echo $(" + c.get() + ")";
            case 7 -> "echo \"a $(" + c.get() + ") b\"";
            case 8 -> {
                String inner = c.get();
                yield inner.contains("`") || inner.contains("\\") ? "echo `ls`" : "echo `" + inner + "`";
            }
            case 9 -> "cat <(" + c.get() + ")";
            case 10 -> "if " + c.get() + "; then " + c.get() + "; else " + c.get() + "; fi";
            case 11 -> "for i in 1 2; do " + c.get() + "; done";
            case 12 -> "case x in y) " + c.get() + ";; x|z) " + c.get() + ";; esac";
            case 13 -> "f() { " + c.get() + "; }; f";
            case 14 -> "cat <<EOF\nline $(" + c.get() + ") '\nEOF\n" + c.get();
            case 15 -> "cat <<'EOF'\n$(" + c.get() + ") \"\nEOF\n" + c.get();
            case 16 -> "cat <<-EOF\n\t$(" + c.get() + ")\n\tEOF\n" + c.get();
            case 17 -> c.get() + " # " + c.get();
            case 18 -> "bash -c '" + c.get().replace("'", "'\\''") + "'";
            case 19 -> "eval '" + c.get().replace("'", "'\\''") + "'";
            case 20 -> "x=$(" + c.get() + "); echo \"$x\"";
            case 21 -> "! " + c.get();
            case 22 -> "[[ -n $(" + c.get() + ") ]] && " + c.get();
            case 23 -> "echo ${u:-$(" + c.get() + ")}";
            case 24 -> "while " + c.get() + "; do " + c.get() + "; break; done";
            case 25 -> "echo a" + c.get().replaceAll("^", " # ") + "\n" + c.get();
            case 26 -> c.get() + " > out" + random.nextInt(3) + " 2>&1";
            case 27 -> "coproc " + simple(wrappers);
            case 28 -> "echo \"'\" $(" + c.get() + ") \"'\"";
            // the lexing tricks of issue 10: a comment hiding a quote, ANSI-C quoting, a quote in a here-document
            case 29 -> "echo a #'\n" + c.get() + "\n#'";
            case 30 -> "echo $'\\'' ; " + c.get() + " ; echo \\'";
            case 31 -> "echo a <<EOF\necho '\nEOF\n" + c.get() + "\necho \\'";
            default -> "time " + c.get();
        };
    }

    private String simple(List<String> wrappers) {
        String program = PROGRAMS.get(random.nextInt(PROGRAMS.size()));
        String args = arguments();
        return switch (random.nextInt(8)) {
            case 0 -> {
                String wrapper = wrappers.get(random.nextInt(wrappers.size()));
                yield switch (wrapper) {
                    case "env" -> random.nextBoolean() ? "env A=1 " : "env ";
                    case "nohup" -> "nohup ";
                    case "nice" -> random.nextBoolean() ? "nice -n 5 " : "nice ";
                    case "timeout" -> "timeout 5 ";
                    case "stdbuf" -> "stdbuf -o0 ";
                    case "setsid" -> "setsid -w ";
                    case "xargs" -> "echo a | xargs ";
                    case "find" -> "find . -maxdepth 0 -exec ";
                    default -> "command ";
                } + spell(program) + args + (wrapper.equals("find") ? " \\;" : "");
            }
            case 1 -> "{" + program + "," + "-q}";
            case 2 -> program.charAt(0) + "{" + program.substring(1) + ",}" + args;
            case 3 -> "X=" + program + "; $X" + args;
            default -> spell(program) + args;
        };
    }

    private String spell(String name) {
        String head = name.substring(0, 1);
        String tail = name.substring(1);
        return switch (random.nextInt(12)) {
            case 0 -> "\\" + name;
            case 1 -> "\"" + name + "\"";
            case 2 -> "'" + name + "'";
            case 3 -> head + "''" + tail;
            case 4 -> head + "\"\"" + tail;
            case 5 -> "$'" + name + "'";
            case 6 -> "$'\\x" + Integer.toHexString(name.charAt(0)) + "'" + tail;
            case 7 -> "$\"" + name + "\"";
            case 8 -> head + "\\" + tail;
            case 9 -> stubs + "/" + name;
            default -> name;
        };
    }

    private String arguments() {
        List<String> pool = List.of("a", "'b c'", "\"d\"", "$HOME", "'$(rm x)'", "\\;", "x#y", "{1..2}", "\"$(echo e)\"",
                "${u:-v}", "--", "-q");
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(3); i > 0; i--) {
            s.append(' ').append(pool.get(random.nextInt(pool.size())));
        }
        return s.toString();
    }
}
