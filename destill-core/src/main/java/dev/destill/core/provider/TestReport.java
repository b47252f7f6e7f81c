package dev.destill.core.provider;

import java.util.Objects;

/** A JUnit XML report: its name (artifact path or file name) and its bytes. */
public record TestReport(String name, byte[] content) {
  public TestReport {
    Objects.requireNonNull(name, "name");
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }
}
