package dev.picrust.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * No two {@code dev.picrust.*} packages of core depend on each other, directly or through others:
 * the packages form a layered graph (the shared vocabulary in {@code event} at the bottom, the
 * runtime at the top), so each can be read and replaced from the bottom up.
 *
 * <p>A class depends on every class its constant pool names: class entries (instantiation, calls,
 * casts, catch, permitted subclasses, nest members) and the types inside descriptors and generic
 * signatures (fields, parameters, results, type arguments). That is every compile-time use that
 * survives compilation; only constants inlined by javac leave no trace.
 */
class PackageCycleTest {
    private static final int CONSTANT_UTF8 = 1;
    private static final int CONSTANT_CLASS = 7;
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L(dev/picrust/[^;<]+)[;<]");

    /** Package -> the packages it uses -> one example class edge, for the failure message. */
    static Map<String, Map<String, String>> packageGraph() {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        for (ClassReader reader : CoreClasses.all()) {
            String from = reader.getClassName();
            String fromPackage = CoreClasses.packageOf(from);
            Map<String, String> uses = graph.computeIfAbsent(fromPackage, p -> new TreeMap<>());
            for (String to : referencedClasses(reader)) {
                String toPackage = CoreClasses.packageOf(to);
                if (!toPackage.equals(fromPackage) && toPackage.startsWith("dev.picrust")) {
                    uses.putIfAbsent(toPackage, CoreClasses.shortName(from) + " -> " + CoreClasses.shortName(to));
                }
            }
        }
        return graph;
    }

    static Set<String> referencedClasses(ClassReader reader) {
        Set<String> names = new TreeSet<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue; // the unused slot after a long or double
            }
            int tag = reader.readByte(offset - 1);
            if (tag == CONSTANT_CLASS) {
                String name = reader.readUTF8(offset, buffer);
                // Array classes name their element type as a descriptor.
                names.add(name.startsWith("[") ? name.replaceAll("^\\[+L?|;$", "") : name);
            } else if (tag == CONSTANT_UTF8) {
                Matcher m = TYPE_IN_DESCRIPTOR.matcher(utf8At(reader, offset));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        names.removeIf(n -> !n.startsWith("dev/picrust/"));
        return names;
    }

    /** The text of the Utf8 entry whose content starts at {@code offset} (ASM's readUTF8 wants an index to one). */
    private static String utf8At(ClassReader reader, int offset) {
        int length = reader.readUnsignedShort(offset);
        StringBuilder text = new StringBuilder(length);
        int end = offset + 2 + length;
        for (int at = offset + 2; at < end; ) {
            int b = reader.readByte(at++) & 0xFF;
            if (b < 0x80) {
                text.append((char) b);
            } else if (b < 0xE0) {
                text.append((char) (((b & 0x1F) << 6) | (reader.readByte(at++) & 0x3F)));
            } else {
                int b2 = reader.readByte(at++) & 0x3F;
                int b3 = reader.readByte(at++) & 0x3F;
                text.append((char) (((b & 0x0F) << 12) | (b2 << 6) | b3));
            }
        }
        return text.toString();
    }

    /** The strongly connected components with more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Map<String, String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, components, counter);
            }
        }
        return components.stream().filter(c -> c.size() > 1).toList();
    }

    private static void connect(String node, Map<String, Map<String, String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<Set<String>> components, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, components, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }

    @Test
    void corePackagesHaveNoCycle() {
        Map<String, Map<String, String>> graph = packageGraph();
        List<Set<String>> cycles = cycles(graph);
        StringBuilder report = new StringBuilder();
        for (Set<String> cycle : cycles) {
            report.append("\ncycle between ").append(cycle).append(':');
            for (String from : cycle) {
                graph.get(from).forEach((to, example) -> {
                    if (cycle.contains(to)) {
                        report.append("\n  ").append(from).append(" uses ").append(to).append(" (").append(example).append(')');
                    }
                });
            }
        }
        assertThat(cycles).as("package cycles in picrust-core:%s", report).isEmpty();
    }

    /** The test can fail: it sees the edges that exist, and finds a cycle when there is one. */
    @Test
    void seesRealEdgesAndFindsCycles() {
        Map<String, Map<String, String>> graph = packageGraph();
        assertThat(graph.get("dev.picrust.agent")).containsKey("dev.picrust.event").containsKey("dev.picrust.llm");
        assertThat(graph.get("dev.picrust.llm.anthropic")).containsKey("dev.picrust.llm").containsKey("dev.picrust.http");
        Map<String, Map<String, String>> withCycle = new TreeMap<>(graph);
        Map<String, String> eventUses = new TreeMap<>(graph.getOrDefault("dev.picrust.event", Map.of()));
        eventUses.put("dev.picrust.agent", "made up");
        withCycle.put("dev.picrust.event", eventUses);
        assertThat(cycles(withCycle)).anySatisfy(c -> assertThat(c).contains("dev.picrust.event", "dev.picrust.agent"));
    }
}
