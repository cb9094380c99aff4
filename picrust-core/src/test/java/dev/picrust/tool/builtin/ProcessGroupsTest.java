package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Process groups as the Bash tool finds and kills them: the supervisor's {@code kill} of a whole
 * group, and the reading of {@code /proc/PID/stat} that {@link ShellProcess#groupMembers} relies on.
 */
@Timeout(60)
class ProcessGroupsTest {

    static long pgrp(String stat) {
        byte[] bytes = stat.getBytes(StandardCharsets.ISO_8859_1);
        return ShellProcess.groupOf(bytes, bytes.length);
    }

    static char state(String stat) {
        byte[] bytes = stat.getBytes(StandardCharsets.ISO_8859_1);
        return ShellProcess.stateOf(bytes, bytes.length);
    }

    @Test
    void statFieldsAreCountedFromTheLastParenthesis() {
        assertThat(pgrp("4242 (bash) S 17 4242 4242 0 -1 4194560")).isEqualTo(4242);
        assertThat(state("4242 (bash) S 17 4242 4242 0 -1 4194560")).isEqualTo('S');
        // A command name may hold spaces and parentheses: "a) Z 1 9 (b"
        assertThat(pgrp("77 (a) Z 1 9 (b) R 3 555 555 0")).isEqualTo(555);
        assertThat(state("77 (a) Z 1 9 (b) R 3 555 555 0")).isEqualTo('R');
        assertThat(state("78 (sleep) Z 1 600 600 0")).isEqualTo('Z');
    }

    @Test
    void whatIsNotAStatLineMatchesNoGroup() {
        assertThat(pgrp("")).isEqualTo(-1);
        assertThat(pgrp("no parenthesis 1 2 3")).isEqualTo(-1);
        assertThat(pgrp("12 (cut) S 1 45")).as("a field cut short").isEqualTo(-1);
        assertThat(pgrp("12 (x) S 1 4x5 0")).isEqualTo(-1);
        assertThat(state("12 (x)")).isEqualTo((char) 0);
    }

    @Test
    void groupMembersFindsTheLiveProcessesOfAGroup() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & sleep 1001 & wait").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<ProcessHandle> members = ShellProcess.groupMembers(leader.pid());
            while (members.size() < 3) {
                assertThat(System.nanoTime()).as("the group's three processes run: " + members).isLessThan(deadline);
                Thread.sleep(5);  // polling with a deadline: there is no event for another process's start
                members = ShellProcess.groupMembers(leader.pid());
            }
            assertThat(members).extracting(ProcessHandle::pid).contains(leader.pid()).hasSize(3);
        } finally {
            ShellProcess.groupMembers(leader.pid()).forEach(ProcessHandle::destroyForcibly);
            leader.destroyForcibly();
        }
    }

    @Test
    void theSupervisorKillsAWholeGroupAndSaysWhetherItHadAnyProcess() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & sleep 1001 & echo started; wait").start();
        try {
            assertThat(new String(leader.getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("started\n");
            List<ProcessHandle> members = ShellProcess.groupMembers(leader.pid());
            assertThat(ProcessGroupSupervisor.register(leader.pid())).isEmpty();  // starts the supervisor if none runs

            assertThat(ProcessGroupSupervisor.killGroup(leader.pid())).isEqualTo(ProcessGroupSupervisor.GroupState.OCCUPIED);

            assertThat(leader.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(leader.exitValue()).isEqualTo(128 + 9);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (ProcessHandle member : members) {
                while (!ShellProcess.isGone(member)) {
                    assertThat(System.nanoTime()).as(member.pid() + " is killed").isLessThan(deadline);
                    Thread.sleep(5);  // no event for the death of a process that is not our child
                }
            }
        } finally {
            ProcessGroupSupervisor.unregister(leader.pid());
            ShellProcess.groupMembers(leader.pid()).forEach(ProcessHandle::destroyForcibly);
            leader.destroyForcibly();
        }
    }

    @Test
    void aGroupWhoseProcessesAllEndedAndWereReapedIsEmpty() throws Exception {
        Process leader = new ProcessBuilder("setsid", "true").start();
        assertThat(leader.waitFor(20, TimeUnit.SECONDS)).isTrue();  // reaped by the JVM: nothing is left
        assertThat(ProcessGroupSupervisor.register(leader.pid())).isEmpty();
        try {
            assertThat(ProcessGroupSupervisor.killGroup(leader.pid())).isEqualTo(ProcessGroupSupervisor.GroupState.EMPTY);
        } finally {
            ProcessGroupSupervisor.unregister(leader.pid());
        }
    }
}
