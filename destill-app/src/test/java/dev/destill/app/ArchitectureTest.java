package dev.destill.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Which code may depend on which. The core is pure: it must not reach for I/O libraries, the
 * application layer, or any adapter; adapters never depend on the application.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.destill");

  @Test
  void coreShouldNotDependOnIoLibrariesOrOuterLayers() {
    noClasses()
        .that()
        .resideInAPackage("dev.destill.core..")
        // The rule catalogue is YAML: its reader alone parses it with Jackson (from a stream).
        .and()
        .doNotHaveFullyQualifiedName("dev.destill.core.engine.CatalogueReader")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.destill.app..",
            "dev.destill.provider..",
            "dev.destill.tui..",
            "dev.destill.store..",
            "dev.destill.kafka..",
            "com.fasterxml..",
            "org.apache.kafka..",
            "java.net..",
            "java.sql..",
            "javax.sql..",
            "org.postgresql..",
            "org.sqlite..",
            "com.zaxxer..",
            "org.flywaydb..",
            "picocli..",
            "com.googlecode.lanterna..",
            "io.modelcontextprotocol..")
        .check(CLASSES);
    noClasses()
        .that()
        .haveFullyQualifiedName("dev.destill.core.engine.CatalogueReader")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.nio.file..", "java.net..", "dev.destill.app..")
        .check(CLASSES);
  }

  @Test
  void engineShouldNotTouchFilesOrProcesses() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.destill.core.engine..", "dev.destill.core.model..", "dev.destill.core.junit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.nio.file..", "java.net..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.File")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.ProcessBuilder")
        .check(CLASSES);
  }

  @Test
  void adaptersShouldNotDependOnTheApplication() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.destill.provider..",
            "dev.destill.tui..",
            "dev.destill.store..",
            "dev.destill.kafka..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.destill.app..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }
}
