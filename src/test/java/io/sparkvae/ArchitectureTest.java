// SPDX-License-Identifier: Apache-2.0
package io.sparkvae;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layers, read from the compiled classes (so a fully qualified name in code counts as
 * much as an import). The floors, from the ground up, are drawn in the development page's
 * architecture section (src/site/markdown/development.md): every arrow points down.
 */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sparkvae");
  }

  @Test
  void everyPackageImportsOnlyTheFloorsBelowIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("kernel")
        .definedBy("io.sparkvae.kernel..")
        .layer("linalg")
        .definedBy("io.sparkvae.linalg..")
        .layer("io")
        .definedBy("io.sparkvae.io..")
        .layer("report")
        .definedBy("io.sparkvae.report..")
        .layer("data")
        .definedBy("io.sparkvae.data..")
        .layer("diagnostics")
        .definedBy("io.sparkvae.diagnostics..")
        .layer("engine")
        .definedBy("io.sparkvae.engine..")
        .layer("linreg")
        .definedBy("io.sparkvae.linreg")
        .layer("linreg.spark")
        .definedBy("io.sparkvae.linreg.spark..")
        .layer("ml")
        .definedBy("io.sparkvae.ml..")
        .layer("job")
        .definedBy("io.sparkvae.job..")
        .whereLayer("job")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("ml")
        .mayOnlyBeAccessedByLayers("job")
        .whereLayer("linreg.spark")
        .mayOnlyBeAccessedByLayers("job")
        .whereLayer("linreg")
        .mayOnlyBeAccessedByLayers("linreg.spark", "job")
        .whereLayer("engine")
        .mayOnlyBeAccessedByLayers("ml", "linreg.spark", "job")
        .whereLayer("diagnostics")
        .mayOnlyBeAccessedByLayers("ml", "job")
        .whereLayer("data")
        .mayOnlyBeAccessedByLayers("ml", "linreg.spark", "job")
        .whereLayer("report")
        .mayOnlyBeAccessedByLayers("ml", "linreg", "linreg.spark", "job")
        .whereLayer("io")
        .mayOnlyBeAccessedByLayers(
            "data", "diagnostics", "engine", "linreg", "linreg.spark", "ml", "job")
        .whereLayer("kernel")
        .mayOnlyBeAccessedByLayers(
            "data", "diagnostics", "engine", "linreg", "linreg.spark", "ml", "job")
        .whereLayer("linalg")
        .mayOnlyBeAccessedByLayers(
            "report", "data", "diagnostics", "engine", "linreg", "linreg.spark", "ml", "job")
        .check(main);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching("io.sparkvae.(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void theKernelAndTheLinearAlgebraKnowNothingOfSpark() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.sparkvae.kernel..",
            "io.sparkvae.linalg..",
            "io.sparkvae.linreg",
            "io.sparkvae.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "scala..")
        .check(main);
  }

  @Test
  void theEngineKnowsObjectivesButNotVaes() {
    noClasses()
        .that()
        .resideInAPackage("io.sparkvae.engine..")
        .should()
        .dependOnClassesThat()
        .haveSimpleNameStartingWith("Vae")
        .check(main);
  }
}
