package dev.picrust.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * No monitor in core, so no virtual thread pins its carrier while it waits: on JDK 21 to 23 a
 * virtual thread that parks or blocks on I/O inside a {@code synchronized} method or block keeps
 * its carrier thread (JEP 491 lifted that only in JDK 24), and a few thousand agents on two
 * carriers then stall. Core guards its state with {@code java.util.concurrent} locks instead.
 *
 * <p>The test reads core's compiled classes and fails on any {@code synchronized} method or
 * {@code monitorenter} (a {@code synchronized} block) not on {@link #ALLOWED}. An entry there is
 * {@code class#method} with the reason its section can never wait. A listed site that no longer
 * exists fails the test too, so the list stays true.
 */
class PinningTest {

    /** Monitors that never wait: each section is a few field reads and writes, no call out. */
    static final Map<String, String> ALLOWED = Map.of();

    /** Every {@code class#method} of core that enters a monitor, sorted. */
    static Set<String> monitorSites() {
        return monitorSites(CoreClasses.all());
    }

    static Set<String> monitorSites(Iterable<ClassReader> classes) {
        Set<String> sites = new TreeSet<>();
        for (ClassReader reader : classes) {
            String owner = CoreClasses.shortName(reader.getClassName());
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    String site = owner + "#" + name;
                    if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                        sites.add(site);
                    }
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitInsn(int opcode) {
                            if (opcode == Opcodes.MONITORENTER) {
                                sites.add(site);
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return sites;
    }

    @Test
    void noMonitorOutsideTheAllowList() {
        Set<String> sites = monitorSites();
        Set<String> unexpected = new TreeSet<>(sites);
        unexpected.removeAll(ALLOWED.keySet());
        assertThat(unexpected)
                .as("synchronized methods or blocks in picrust-core: use a java.util.concurrent lock (ReentrantLock),"
                        + " or, for a section that can never wait, add class#method and the reason to ALLOWED")
                .isEmpty();
    }

    @Test
    void everyListedSiteStillExists() {
        Set<String> sites = monitorSites();
        Set<String> stale = new TreeSet<>(ALLOWED.keySet());
        stale.removeAll(sites);
        assertThat(stale).as("listed monitors that are gone: remove them from the list").isEmpty();
    }

    /** The scan sees both kinds of monitor (checked on this test's own compiled classes). */
    @Test
    void seesSynchronizedMethodsAndBlocks() throws Exception {
        assertThat(monitorSites(java.util.List.of(new ClassReader(Sample.class.getName()))))
                .containsExactly("architecture.PinningTest$Sample#block", "architecture.PinningTest$Sample#method");
    }

    @SuppressWarnings("unused")
    private static final class Sample {
        private int count;

        synchronized void method() {
            count++;
        }

        void block() {
            synchronized (this) {
                count++;
            }
        }
    }
}
