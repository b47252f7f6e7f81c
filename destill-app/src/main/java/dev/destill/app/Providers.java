package dev.destill.app;

import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.model.JobState;
import dev.destill.core.provider.CiProvider;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** Composition root for build sources: which providers exist and how they are configured. */
public final class Providers {
  private Providers() {}

  /**
   * Every provider, most specific first; the local-files provider comes last and takes whatever
   * is not a URL.
   */
  public static List<CiProvider> defaults(Map<String, String> env, JobState localState, InputStream stdin) {
    return List.of(new LocalFilesProvider(localState, stdin));
  }
}
