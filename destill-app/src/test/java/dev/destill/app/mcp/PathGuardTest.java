package dev.destill.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {
  @TempDir Path tmp;

  private PathGuard guard(Map<String, String> env) throws Exception {
    return PathGuard.fromEnv(env, Files.createDirectories(tmp.resolve("work")));
  }

  @Test
  void shouldReadOnlyUnderTheWorkingDirectoryByDefault() throws Exception {
    PathGuard g = guard(Map.of());
    Path log = Files.writeString(tmp.resolve("work").resolve("build.log"), "x");
    assertThat(g.check("build.log")).isEqualTo(log.toRealPath());
    assertThat(g.check(log.toString())).isEqualTo(log.toRealPath());
    assertThatThrownBy(() -> g.check("/etc/passwd"))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("outside the folders")
        .hasMessageContaining(PathGuard.ENV);
    assertThatThrownBy(() -> g.check("../outside.log"))
        .isInstanceOf(DestillException.BadInput.class);
  }

  @Test
  void shouldNotFollowALinkOutOfAnAllowedFolder() throws Exception {
    PathGuard g = guard(Map.of());
    Path work = tmp.resolve("work");
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "x");
    Files.createSymbolicLink(work.resolve("link.log"), secret);
    assertThatThrownBy(() -> g.check("link.log")).isInstanceOf(DestillException.BadInput.class);
    Path dir = Files.createDirectories(work.resolve("logs"));
    Files.writeString(dir.resolve("a.log"), "x");
    Files.createSymbolicLink(dir.resolve("b.log"), secret);
    assertThatThrownBy(() -> g.check("logs")).isInstanceOf(DestillException.BadInput.class);
  }

  @Test
  void shouldUseTheClientsRootsUnlessTheUserSetSome() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("client-logs"));
    Path log = Files.writeString(logs.resolve("ci.log"), "x");
    PathGuard g = guard(Map.of());
    assertThatThrownBy(() -> g.check(log.toString())).isInstanceOf(DestillException.BadInput.class);
    g.clientRoots(() -> List.of(logs.toUri()));
    assertThat(g.check(log.toString())).isEqualTo(log.toRealPath());
    // The working directory is no longer allowed once the client names its roots.
    Files.writeString(tmp.resolve("work").resolve("w.log"), "x");
    assertThatThrownBy(() -> g.check("w.log")).isInstanceOf(DestillException.BadInput.class);

    Path mine = Files.createDirectories(tmp.resolve("mine"));
    PathGuard user = guard(Map.of(PathGuard.ENV, mine.toString()));
    user.clientRoots(() -> List.of(logs.toUri()));
    assertThat(user.roots()).containsExactly(mine.toRealPath());
    assertThatThrownBy(() -> user.check(log.toString()))
        .isInstanceOf(DestillException.BadInput.class);
  }

  @Test
  void shouldRefuseARelativeAllowList() {
    assertThatThrownBy(() -> PathGuard.fromEnv(Map.of(PathGuard.ENV, "logs"), tmp))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("absolute");
  }
}
