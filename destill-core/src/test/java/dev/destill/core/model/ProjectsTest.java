package dev.destill.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectsTest {

  @Test
  void shouldScopeBuildsToTheirRepositoryPipelineOrFolder() {
    assertThat(Projects.of("github:acme/shop/123456789")).isEqualTo("github:acme/shop");
    assertThat(Projects.of("buildkite:acme/shop/42")).isEqualTo("buildkite:acme/shop");
    assertThat(Projects.of("gitlab:group/sub/project/pipelines/987"))
        .isEqualTo("gitlab:group/sub/project");
    assertThat(Projects.of("gitlab:group/project/jobs/5")).isEqualTo("gitlab:group/project");
    assertThat(Projects.of("local:/home/me/ci/build-1.log")).isEqualTo("local:/home/me/ci");
    assertThat(Projects.of("local:stdin/0b7a")).isEqualTo("local:stdin");
    assertThat(Projects.of("b1")).isEqualTo("b1");
  }

  @Test
  void shouldDeriveTheProjectOfAResolvedBuildUnlessGiven() {
    assertThat(new RequestEvent.Resolved("r", "github:a/b/1", "t").project())
        .isEqualTo("github:a/b");
    assertThat(new RequestEvent.Resolved("r", "github:a/b/1", "t", "mine").project())
        .isEqualTo("mine");
  }
}
