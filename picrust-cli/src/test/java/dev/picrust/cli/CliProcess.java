package dev.picrust.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the picrust CLI as a real child JVM with this test's classpath. */
final class CliProcess {
    final Process process;
    final CompletableFuture<String> stderr;
    private final BufferedReader stdout;

    private CliProcess(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "stderr unreadable: " + e;
            }
        });
    }

    static CliProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, env, false, args);
    }

    /** As {@link #start}, but stdin is a pipe the test writes to with {@link #type}. */
    static CliProcess startWithStdin(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, env, true, args);
    }

    /** As {@link #start}, with options for the child JVM (start-up flags for tests that start many). */
    static CliProcess startWithJvmOptions(Path workDir, Map<String, String> env, List<String> jvmOptions,
                                          String... args) throws IOException {
        return start(workDir, env, false, jvmOptions, args);
    }

    private static CliProcess start(Path workDir, Map<String, String> env, boolean pipeStdin, String... args)
            throws IOException {
        return start(workDir, env, pipeStdin, List.of(), args);
    }

    private static CliProcess start(Path workDir, Map<String, String> env, boolean pipeStdin, List<String> jvmOptions,
                                    String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().remove("ANTHROPIC_API_KEY");
        pb.environment().remove("ANTHROPIC_BASE_URL");
        for (String name : List.of("OPENAI_API_KEY", "OPENAI_BASE_URL", "GEMINI_API_KEY", "GEMINI_BASE_URL")) {
            pb.environment().remove(name);
        }
        pb.environment().put("PICRUST_HOME", workDir.resolve("picrust-home").toString());
        pb.environment().putAll(env);
        if (!pipeStdin) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        return new CliProcess(pb.start());
    }

    /** Writes {@code text} to the process's stdin (see {@link #startWithStdin}) and flushes it. */
    void type(String text) throws IOException {
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the process's stdin: it reads end of input. */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** The next stdout line, or null at end of output. */
    String readLine() throws IOException {
        return stdout.readLine();
    }

    /** Waits for exit and returns the exit code; stdout is read to the end into {@code rest}. */
    int finish(List<String> rest) throws Exception {
        String line;
        while ((line = stdout.readLine()) != null) {
            rest.add(line);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("CLI did not exit; stderr: " + stderr.getNow(""));
        }
        return process.exitValue();
    }
}
