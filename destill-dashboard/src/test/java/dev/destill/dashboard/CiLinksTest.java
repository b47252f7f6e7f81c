package dev.destill.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CiLinksTest {
  @Test
  void shouldLinkEachProvidersBuildOrJobOnItsOwnHost() {
    assertThat(CiLinks.at("https://github.com/a/b/actions/runs/1/job/2", 40))
        .contains("https://github.com/a/b/actions/runs/1/job/2");
    assertThat(CiLinks.at("https://github.com/a/b/actions/runs/1?x=1#frag", 40))
        .contains("https://github.com/a/b/actions/runs/1");
    assertThat(CiLinks.at("https://buildkite.com/o/p/builds/9#0190aaaa-bbbb", 40))
        .contains("https://buildkite.com/o/p/builds/9#0190aaaa-bbbb");
    assertThat(CiLinks.at("https://gitlab.com/g/s/r/-/jobs/5", 40))
        .contains("https://gitlab.com/g/s/r/-/jobs/5#L40");
    assertThat(CiLinks.at("https://gitlab.com/g/r/-/jobs/5", 0))
        .contains("https://gitlab.com/g/r/-/jobs/5");
    assertThat(CiLinks.at("https://gitlab.com/g/r/-/pipelines/5", 40))
        .contains("https://gitlab.com/g/r/-/pipelines/5");
  }

  @Test
  void shouldGiveTheSameLinksReadOnceForAllLines() {
    for (String u :
        new String[] {
          "https://gitlab.com/g/r/-/jobs/5",
          "https://github.com/a/b/actions/runs/1",
          "https://buildkite.com/o/p/builds/9",
          "javascript:alert(1)"
        }) {
      var once = CiLinks.forInput(u);
      for (long line : new long[] {0, 1, 77}) {
        assertThat(once.apply(line)).as(u + " " + line).isEqualTo(CiLinks.at(u, line));
      }
    }
  }

  @Test
  void shouldNotLinkAnythingElse() {
    for (String bad :
        new String[] {
          "javascript:alert(1)//github.com/a/b/actions/runs/1",
          "JAVASCRIPT:alert(1)",
          "data:text/html;base64,PHNjcmlwdD4=",
          "https://tok:x@github.com/a/b/actions/runs/1",
          "http://buildkite.com.evil/o/p/builds/9",
          "https://evil.example/page",
          "ftp://github.com/a/b/actions/runs/1",
          "/var/log/build.log",
          "",
          "https://github.com/a/b/actions/runs/1\"><script>"
        }) {
      assertThat(CiLinks.at(bad, 3)).as(bad).isEmpty();
    }
  }
}
