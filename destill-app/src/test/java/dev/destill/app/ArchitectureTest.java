package dev.destill.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which code may depend on which. The core is pure: it must not reach for I/O libraries, the
 * application layer, or any adapter; inside it, model, engine, ports (store, broker, provider),
 * test reports, pipeline and agents form layers, each using only those before it. Adapters never
 * depend on the application, no module uses another's {@code internal} packages, and no two
 * packages depend on each other, directly or through others.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // Other modules' test classes come as test-jars in a full build, not as test-classes.
          .withImportOption(location -> !location.contains("-tests.jar"))
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

  @Test
  void packagesShouldBeFreeOfCycles() {
    slices().matching("dev.destill.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void internalPackagesShouldStayInsideTheirModule() {
    for (String module :
        List.of(
            "dev.destill.core",
            "dev.destill.wire",
            "dev.destill.provider",
            "dev.destill.store",
            "dev.destill.kafka",
            "dev.destill.tui",
            "dev.destill.app")) {
      noClasses()
          .that()
          .resideOutsideOfPackage(module + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(module + ".internal..")
          .allowEmptyShould(true)
          .check(CLASSES);
    }
  }

  @Test
  void coreShouldBeLayeredModelEnginePortsPipelineAgents() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("model")
        .definedBy("dev.destill.core.model..")
        .layer("engine")
        .definedBy("dev.destill.core.engine..")
        .layer("ports")
        .definedBy(
            "dev.destill.core.store..",
            "dev.destill.core.broker..",
            "dev.destill.core.provider..",
            "dev.destill.core.stats..")
        // Test reports come from a provider and are read before the pipeline runs on them.
        .layer("reports")
        .definedBy("dev.destill.core.junit..")
        .layer("pipeline")
        .definedBy("dev.destill.core.pipeline..")
        .layer("agents")
        .definedBy(
            "dev.destill.core.ingest..", "dev.destill.core.analyze..", "dev.destill.core.sink..")
        .whereLayer("agents")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("pipeline")
        .mayOnlyBeAccessedByLayers("agents")
        .whereLayer("reports")
        .mayOnlyBeAccessedByLayers("pipeline", "agents")
        .whereLayer("ports")
        .mayOnlyBeAccessedByLayers("reports", "pipeline", "agents")
        .whereLayer("engine")
        .mayOnlyBeAccessedByLayers("ports", "reports", "pipeline", "agents")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("engine", "ports", "reports", "pipeline", "agents")
        .check(CLASSES);
  }
}
