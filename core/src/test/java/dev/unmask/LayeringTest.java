package dev.unmask;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The library's own classes (tests excluded) follow the layering of DESIGN section 2 ({@link LayeringRules}),
 * with no exception recorded anywhere: a violation fails the build.
 */
@AnalyzeClasses(packages = "dev.unmask", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    @ArchTest
    static final ArchRule LAYERING = new LayeringRules("dev.unmask").all();
}
