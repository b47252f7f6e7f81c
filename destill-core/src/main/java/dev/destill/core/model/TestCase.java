package dev.destill.core.model;

import java.util.Objects;

/** The test a JUnit finding is about. {@code file} is empty when the report does not say. */
public record TestCase(String name, String className, String file) {
  public TestCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(file, "file");
  }
}
