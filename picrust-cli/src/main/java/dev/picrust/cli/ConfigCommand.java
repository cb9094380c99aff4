package dev.picrust.cli;

import dev.picrust.cli.args.Command;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.hook.HookSettings;
import dev.picrust.llm.HttpSettings;
import dev.picrust.permission.PermissionRule;
import dev.picrust.sandbox.BubblewrapSandbox;
import dev.picrust.sandbox.SandboxSettings;
import dev.picrust.secret.Redactor;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.session.SessionStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.PATH;

/** Shows the settings a run in this folder would use, and which file each one comes from. */
final class ConfigCommand {

    Command declare() {
        return Command.named("config", "Show the effective settings (model, provider timeouts, permission mode, rules, "
                        + "hooks) and where each comes from.")
                .with(single("--cwd", PATH, "Project folder whose .picrust/ settings apply (default: the current one).",
                        v -> cwd = v))
                .action(parsed -> call(parsed.out()))
                .build();
    }

    Path cwd;

    int call(PrintWriter out) {
        Path project = (cwd == null ? Path.of("") : cwd).toAbsolutePath().normalize();
        if (!Files.isDirectory(project)) {
            throw new CliException("--cwd " + project + " is not a directory");
        }
        Settings settings = Settings.load(SessionStore.home(), project);
        out.println("Settings files (later ones win for model and mode; rules and hooks add up):");
        for (Settings.Layer layer : settings.layers()) {
            out.println("  " + (layer.present() ? "[read]    " : "[absent]  ") + layer.file());
        }
        out.println("model: " + settings.model().orElse("(the provider's default)")
                + settings.source(Settings.Layer::model).map(f -> "   <- " + f).orElse(""));
        out.println("permission mode: " + settings.mode().map(m -> m.wireName()).orElse("default")
                + settings.source(l -> l.permissions().mode()).map(f -> "   <- " + f).orElse(""));
        HttpSettings http = settings.http();
        out.println("provider timeouts: connect " + seconds(http.connectTimeout()) + ", first byte "
                + seconds(http.firstByteTimeout()) + ", idle (pings ignored) " + seconds(http.idleTimeout())
                + ", attempt " + seconds(http.attemptTimeout()));
        for (String key : Settings.Timeouts.KEYS) {
            settings.source(l -> l.timeouts().get(key)).ifPresent(f -> out.println("  " + key + "   <- " + f));
        }
        out.println("rules:");
        boolean any = false;
        for (Settings.Layer layer : settings.layers()) {
            for (PermissionBehavior behavior : PermissionBehavior.values()) {
                for (PermissionRule rule : layer.permissions().rules().rules(behavior)) {
                    out.println("  " + behavior.name().toLowerCase() + " " + rule + "   <- " + layer.file());
                    any = true;
                }
            }
        }
        if (!any) {
            out.println("  (none: read-only tools run, others ask or are refused headless)");
        }
        out.println("hooks:");
        if (settings.hooks().entries().isEmpty()) {
            out.println("  (none)");
        }
        for (HookSettings.Entry hook : settings.hooks().entries()) {
            out.println("  " + hook.event().wireName() + (hook.matcher().isEmpty() ? "" : " [" + hook.matcher() + "]")
                    + " " + hook.command() + "   <- " + hook.source());
        }
        java.util.List<Path> files = dev.picrust.permission.PermissionSettings.standardFiles(SessionStore.home(), project);
        SandboxSettings sandbox;
        ToolEnvironment environment;
        try {
            sandbox = SandboxSettings.defaults().withFiles(files, project);
            environment = ToolEnvironment.defaults().withFiles(files);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        out.println("sandbox: " + sandbox.mode().wireName() + ", network " + (sandbox.network() ? "on" : "off")
                + (sandbox.writable().isEmpty() ? "" : ", also writable " + sandbox.writable()) + "; here: "
                + BubblewrapSandbox.availability().map(p -> "unavailable (" + p + ")").orElse("bubblewrap works"));
        out.println("tool environment: credentials removed" + (environment.pass().isEmpty() ? ""
                : ", except " + String.join(", ", environment.pass())));
        out.println("env (for tools and provider settings; credential-like ones still reach no tool unless passed):");
        if (settings.env().isEmpty()) {
            out.println("  (none)");
        }
        settings.env().forEach((name, value) -> out.println("  " + name + "=" + (Settings.isSecret(name, value)
                ? Redactor.MASK : value)
                + settings.envSource(name).map(f -> "   <- " + f).orElse("")));
        out.println("Flags (--model, --permission-mode, --connect-timeout, --first-byte-timeout, --idle-timeout, --attempt-timeout, --allow/--ask/--deny, --sandbox, --pass-env) override these for one run; "
                + "saved approvals live in " + SessionStore.home().resolve("permissions"));
        return 0;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
