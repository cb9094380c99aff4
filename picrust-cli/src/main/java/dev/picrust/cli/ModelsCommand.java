package dev.picrust.cli;

import dev.picrust.cli.args.Command;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.llm.catalog.ModelChoice;
import dev.picrust.llm.catalog.ModelCost;
import dev.picrust.llm.catalog.ModelSpec;
import dev.picrust.llm.catalog.ProviderEntry;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.PATH;

/** Lists the named models: built-in providers plus models.json in the PiCrust home and the project. */
final class ModelsCommand {

    Command declare() {
        return Command.named("models", "List the models --model can name (built-ins and models.json files).")
                .with(single("--cwd", PATH, "Project folder whose .picrust/models.json is read (default: the current one).",
                        v -> cwd = v))
                .action(parsed -> call())
                .build();
    }

    Path cwd;

    int call() {
        Path project = (cwd == null ? Path.of("") : cwd).toAbsolutePath().normalize();
        ModelCatalog catalog = ProviderFactory.catalog(project);
        Map<String, String> env = System.getenv();
        System.out.printf("%-36s %-22s %9s %9s  %-17s  %s%n", "MODEL", "API", "CONTEXT", "MAX OUT", "$/M IN/OUT", "KEY / URL");
        for (ModelChoice choice : catalog.models()) {
            ProviderEntry provider = choice.provider();
            ModelSpec model = choice.model();
            System.out.printf("%-36s %-22s %9s %9s  %-17s  %s%n", choice.ref(), provider.api().wire(),
                    count(model.contextWindow()), count(model.maxTokens()),
                    model.cost().map(ModelsCommand::prices).orElse("-"), where(provider, env));
        }
        for (ProviderEntry provider : catalog.providers()) {
            if (provider.models().isEmpty()) {
                System.out.printf("%-36s %-22s %9s %9s  %-17s  %s%n", provider.name() + "/<any>", provider.api().wire(),
                        "-", "-", "-", where(provider, env));
            }
        }
        return 0;
    }

    private static String count(OptionalInt value) {
        return value.isPresent() ? Integer.toString(value.getAsInt()) : "-";
    }

    private static String prices(ModelCost cost) {
        return String.format(Locale.ROOT, "%.2f/%.2f", cost.input(), cost.output());
    }

    /** Where the key comes from and whether it is there (never the key itself), and the URL. */
    private static String where(ProviderEntry provider, Map<String, String> env) {
        String key = provider.apiKey().isPresent() ? "key in " + provider.source().map(Path::toString).orElse("file")
                : provider.apiKeyEnv().map(v -> "$" + v + (env.containsKey(v) ? " (set)" : " (not set)"))
                        .orElse("no key");
        String url = provider.baseUrlEnv().filter(env::containsKey).map(env::get)
                .or(() -> provider.baseUrl().map(Object::toString)).orElse("default URL");
        return key + ", " + url;
    }
}
