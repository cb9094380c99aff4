package dev.picrust.tool.builtin;

import dev.picrust.json.Json;
import dev.picrust.permission.ProtectedPaths;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.sandbox.SandboxMode;
import dev.picrust.sandbox.SandboxSettings;
import dev.picrust.tool.TestToolContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM that runs one Bash command that never ends, for {@link ToolProcessesDieWithTheJvmIT} to kill.
 * Arguments: a work folder, the command, and "sandboxed" or "unconfined". The command runs on a
 * virtual thread, as an agent's tools do.
 */
public final class ToolProcessHolder {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        TestToolContext context = TestToolContext.in(dir);
        if (args[2].equals("sandboxed")) {
            Path privateTemp = Files.createDirectories(dir.resolve("private-tmp"));
            context.sandboxed(Sandbox.resolve(new SandboxSettings(SandboxMode.ON, false, List.of()), true,
                    context.workingDirectory(), ProtectedPaths.standard(dir.resolve("home"), context.workingDirectory())
                            .paths(), privateTemp));
        }
        Thread tool = Thread.ofVirtual().start(() -> {
            try {
                context.run(new BashTool(dir.resolve("outputs")), Json.object().put("command", args[1]));
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        tool.join();
    }
}
