package sluice.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering of DESIGN.md section 2, and no package cycles, checked on the compiled main
 * classes of every module on the server's classpath (storage, actors, http-api, kafka-api, server;
 * not bench).
 */
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
  void storageUsesTheJdkAndItsCompressionLibrariesOnly() {
    classes()
        .that()
        .resideInAPackage("sluice.storage..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "sluice.storage..",
            "java..",
            "net.jpountz.lz4..",
            "net.jpountz.xxhash..",
            "org.xerial.snappy..",
            "com.github.luben.zstd..")
        .check(classes);
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("sluice.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void actorsKnowNothingOfTheFrontDoorsOrTheServer() {
    noClasses()
        .that()
        .resideInAPackage("sluice.actors..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("sluice.http..", "sluice.kafka..", "sluice.server..", "akka.http..")
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

  @Test
  void theKafkaApiTalksToTheBrokerOnlyThroughTheGatewayProtocol() {
    noClasses()
        .that()
        .resideInAPackage("sluice.kafka..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "sluice.actors.partition..",
            "sluice.actors.journal..",
            "sluice.actors.controller..",
            "sluice.actors.metadata..",
            "sluice.actors.broker..",
            "sluice.storage..",
            "sluice.http..",
            "sluice.server..",
            "org.apache.kafka.clients..",
            "kafka..",
            "org.apache.kafka.server..",
            "org.apache.kafka.storage..")
        .check(classes);
  }
}
