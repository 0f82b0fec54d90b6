package sluice.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module layering of DESIGN.md section 2, checked on the compiled classes. */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("sluice");
  }

  @Test
  void storageUsesTheJdkOnlyNeverAkkaOrOtherModules() {
    noClasses()
        .that()
        .resideInAPackage("sluice.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "akka..",
            "scala..",
            "com.typesafe..",
            "sluice.actors..",
            "sluice.http..",
            "sluice.server..")
        .check(classes);
  }

  @Test
  void actorsKnowNothingOfTheFrontDoorsOrTheServer() {
    noClasses()
        .that()
        .resideInAPackage("sluice.actors..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("sluice.http..", "sluice.server..", "akka.http..")
        .check(classes);
  }

  @Test
  void theHttpApiTalksToTheBrokerOnlyThroughTheGatewayProtocol() {
    noClasses()
        .that()
        .resideInAPackage("sluice.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "sluice.actors.partition..",
            "sluice.actors.journal..",
            "sluice.actors.controller..",
            "sluice.actors.metadata..",
            "sluice.actors.broker..",
            "sluice.storage.log..",
            "sluice.server..")
        .check(classes);
  }
}
