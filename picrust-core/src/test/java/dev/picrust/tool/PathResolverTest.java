package dev.picrust.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathResolverTest {
    @TempDir
    Path temp;
    Path root;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(temp.resolve("root")).toRealPath();
        outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(root.resolve("inside.txt"), "ok");
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() throws Exception {
        PathResolver resolver = PathResolver.unconfined(root);
        assertThat(resolver.resolve("a/b.txt")).isEqualTo(root.resolve("a/b.txt"));
        assertThat(resolver.resolve("./a/../c.txt")).isEqualTo(root.resolve("c.txt"));
        assertThat(resolver.resolve(outside.resolve("secret.txt").toString())).isEqualTo(outside.resolve("secret.txt"));
        assertThat(resolver.resolve("~/x")).isEqualTo(Path.of(System.getProperty("user.home"), "x"));
    }

    @Test
    void emptyPathIsRefused() {
        PathResolver resolver = PathResolver.unconfined(root);
        assertThatThrownBy(() -> resolver.resolve(" ")).isInstanceOf(ToolException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> resolver.resolve("a\0b")).isInstanceOf(ToolException.class).hasMessageContaining("Invalid path");
    }

    @Test
    void confinedResolverAllowsPathsInsideTheRoots() throws Exception {
        PathResolver resolver = PathResolver.confined(root, List.of(root));
        assertThat(resolver.resolve("inside.txt")).isEqualTo(root.resolve("inside.txt"));
        assertThat(resolver.resolve("new/dir/file.txt")).isEqualTo(root.resolve("new/dir/file.txt"));
        assertThat(resolver.resolve(".")).isEqualTo(root);
    }

    @Test
    void confinedResolverRefusesDotDotAndAbsoluteEscapes() {
        PathResolver resolver = PathResolver.confined(root, List.of(root));
        assertThatThrownBy(() -> resolver.resolve("../outside/secret.txt"))
                .isInstanceOf(ToolException.class).hasMessageContaining("outside the allowed directories");
        assertThatThrownBy(() -> resolver.resolve(outside.resolve("secret.txt").toString()))
                .isInstanceOf(ToolException.class).hasMessageContaining("Access denied");
    }

    @Test
    void symlinkEscapeIsRefusedForExistingAndNewFiles() throws Exception {
        Files.createSymbolicLink(root.resolve("escape"), outside);
        PathResolver resolver = PathResolver.confined(root, List.of(root));
        assertThatThrownBy(() -> resolver.resolve("escape/secret.txt"))
                .isInstanceOf(ToolException.class).hasMessageContaining("resolves to " + outside.resolve("secret.txt"));
        assertThatThrownBy(() -> resolver.resolve("escape/not-yet/created.txt"))
                .isInstanceOf(ToolException.class).hasMessageContaining("outside the allowed directories");
        // ".." after a symlink means the parent of the link's target, as the OS sees it.
        assertThatThrownBy(() -> resolver.resolve("escape/../outside/secret.txt")).isInstanceOf(ToolException.class);
    }

    @Test
    void danglingSymlinkPointingOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("trap.txt"), outside.resolve("would-be-created.txt"));
        PathResolver resolver = PathResolver.confined(root, List.of(root));
        assertThatThrownBy(() -> resolver.resolve("trap.txt")).isInstanceOf(ToolException.class);
    }

    @Test
    void symlinkInsideTheRootsIsAllowedAndResolved() throws Exception {
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        PathResolver resolver = PathResolver.confined(root, List.of(root));
        assertThat(resolver.resolve("alias/x.txt")).isEqualTo(root.resolve("real/x.txt"));
    }

    @Test
    void rootsGivenThroughSymlinksAreCompared() throws Exception {
        Path link = Files.createSymbolicLink(temp.resolve("root-link"), root);
        PathResolver resolver = PathResolver.confined(link, List.of(link));
        assertThat(resolver.resolve("inside.txt")).isEqualTo(root.resolve("inside.txt"));
        assertThat(resolver.isConfined()).isTrue();
        assertThat(resolver.allowedRoots()).containsExactly(root);
    }

    @Test
    void severalRootsAreAllowed() throws Exception {
        PathResolver resolver = PathResolver.confined(root, List.of(root, outside));
        assertThat(resolver.resolve(outside.resolve("secret.txt").toString())).isEqualTo(outside.resolve("secret.txt"));
    }
}
