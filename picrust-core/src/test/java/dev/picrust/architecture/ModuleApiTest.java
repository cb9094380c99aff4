package dev.picrust.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The compiled {@code module-info.class} of core exports only the public API (docs/API.md): never an
 * internal package, every package with public types is either exported or listed here as internal, no
 * exported signature names an internal type, and the exported surface stays under a budget.
 */
class ModuleApiTest {
    /** Engine packages users never program against; docs/API.md says why each is internal. */
    static final Set<String> INTERNAL = Set.of("dev.picrust.http", "dev.picrust.llm.sse", "dev.picrust.llm.wire");

    /**
     * Public top-level types in exported packages. A user who only wants the loop needs about a dozen
     * (docs/API.md); the rest are tools, hooks, permissions and the pluggable loop's parts. Raising
     * the budget is a decision: make new internals package-private first.
     */
    static final int PUBLIC_TYPE_BUDGET = 150;

    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L(dev/picrust/[^;<]+)[;<]");

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(CoreClasses.folder().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static Set<String> exported() throws IOException {
        ModuleDescriptor descriptor = descriptor();
        assertThat(descriptor.name()).isEqualTo("dev.picrust.core");
        descriptor.exports().forEach(e -> assertThat(e.isQualified()).as("qualified export %s", e).isFalse());
        return descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
    }

    private static boolean isInternal(String pkg) {
        return INTERNAL.stream().anyMatch(i -> pkg.equals(i) || pkg.startsWith(i + "."));
    }

    private static boolean isPublicTopLevel(ClassReader reader) {
        return (reader.getAccess() & Opcodes.ACC_PUBLIC) != 0 && !reader.getClassName().contains("$")
                && (reader.getAccess() & Opcodes.ACC_MODULE) == 0;
    }

    @Test
    void internalPackagesAreNotExported() throws IOException {
        assertThat(exported()).noneMatch(ModuleApiTest::isInternal);
    }

    @Test
    void everyPackageWithPublicTypesIsExportedOrListedInternal() throws IOException {
        Set<String> exported = exported();
        Set<String> unclassified = new TreeSet<>();
        for (ClassReader reader : CoreClasses.all()) {
            String pkg = CoreClasses.packageOf(reader.getClassName());
            if (isPublicTopLevel(reader) && !exported.contains(pkg) && !isInternal(pkg)) {
                unclassified.add(pkg);
            }
        }
        assertThat(unclassified)
                .as("new packages: add an `exports` line to module-info.java and a line to docs/API.md, "
                        + "or list the package in ModuleApiTest.INTERNAL and docs/API.md's internals")
                .isEmpty();
    }

    @Test
    void exportedSignaturesNameNoInternalType() throws IOException {
        Set<String> exported = exported();
        List<String> leaks = new ArrayList<>();
        for (ClassReader reader : CoreClasses.all()) {
            String owner = reader.getClassName();
            if ((reader.getAccess() & Opcodes.ACC_PUBLIC) == 0 || !exported.contains(CoreClasses.packageOf(owner))) {
                continue;
            }
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                                  String[] interfaces) {
                    check("extends", superName == null ? "" : "L" + superName + ";");
                    for (String i : interfaces) {
                        check("implements", "L" + i + ";");
                    }
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                               Object value) {
                    if (visible(access)) {
                        check(name, descriptor);
                        check(name, signature);
                    }
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    if (visible(access) && (access & Opcodes.ACC_SYNTHETIC) == 0) {
                        check(name, descriptor);
                        check(name, signature);
                    }
                    return null;
                }

                private boolean visible(int access) {
                    return (access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED)) != 0;
                }

                private void check(String member, String descriptor) {
                    if (descriptor == null) {
                        return;
                    }
                    Matcher m = TYPE_IN_DESCRIPTOR.matcher(descriptor);
                    while (m.find()) {
                        if (isInternal(CoreClasses.packageOf(m.group(1)))) {
                            leaks.add(CoreClasses.shortName(owner) + "." + member + " names " + m.group(1));
                        }
                    }
                }
            }, ClassReader.SKIP_CODE);
        }
        assertThat(leaks).as("public API naming an internal type").isEmpty();
    }

    @Test
    void exportedPublicTypesStayUnderBudget() throws IOException {
        Set<String> exported = exported();
        TreeMap<String, Integer> perPackage = new TreeMap<>();
        for (ClassReader reader : CoreClasses.all()) {
            String pkg = CoreClasses.packageOf(reader.getClassName());
            if (isPublicTopLevel(reader) && exported.contains(pkg)) {
                perPackage.merge(pkg, 1, Integer::sum);
            }
        }
        int total = perPackage.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("public top-level types in exported packages: " + total + " " + perPackage);
        assertThat(perPackage.keySet()).as("every exported package has public types").isEqualTo(exported);
        assertThat(total).as("public top-level types exported (budget in docs/API.md)").isLessThanOrEqualTo(PUBLIC_TYPE_BUDGET);
    }
}
