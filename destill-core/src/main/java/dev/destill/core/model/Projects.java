package dev.destill.core.model;

/**
 * Which project a build belongs to, for recurrence: "seen in N of the last 20 builds" counts only
 * builds of the same project. Pure.
 */
public final class Projects {
  private Projects() {}

  /**
   * The project of a build id: its repository or pipeline for a CI build ({@code
   * github:OWNER/REPO/RUN} gives {@code github:OWNER/REPO}, {@code buildkite:ORG/PIPELINE/N} gives
   * {@code buildkite:ORG/PIPELINE}, {@code gitlab:GROUP/PROJECT/pipelines/ID} gives {@code
   * gitlab:GROUP/PROJECT}); for local files ({@code local:/abs/path}) the folder they are in; for
   * standard input ({@code local:stdin/ID}) {@code local:stdin}.
   */
  public static String of(String buildId) {
    if (buildId.startsWith("local:stdin")) {
      return "local:stdin";
    }
    if (buildId.startsWith("gitlab:")) {
      int at = Math.max(buildId.lastIndexOf("/pipelines/"), buildId.lastIndexOf("/jobs/"));
      return at > 0 ? buildId.substring(0, at) : buildId;
    }
    int slash = buildId.lastIndexOf('/');
    if (slash <= buildId.indexOf(':') + 1) {
      return buildId;
    }
    return buildId.substring(0, slash);
  }
}
