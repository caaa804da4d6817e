package dev.unmask;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link LayeringTest} bite: evaluated on the fixture {@code dev.unmask.archfixture}, which plants
 * one violation of each, every rule reports a violation that names the planted dependency, and the dependencies
 * the layering allows (the choice creating an implementation, an implementation making tensors) are not
 * reported.
 */
class LayeringFixtureTest {
    private static final String FIXTURE = "dev.unmask.archfixture";

    /** For every rule, text its failure report must contain: the planted dependency it has to catch. */
    private static final Map<String, List<String>> PLANTED = Map.of(
            "layers", List.of(FIXTURE + ".misc.Helper", FIXTURE + ".nn.Dropout", FIXTURE + ".data.Seeds"),
            "tensorIsALeaf", List.of(FIXTURE + ".tensor.Tensor.of()", FIXTURE + ".backend.Backends"),
            "modulesNeverChooseABackend", List.of(FIXTURE + ".backend.Backends.defaultBackend()"),
            "backendImplementationsStayAboveModels", List.of(FIXTURE + ".models.Model.backend()",
                    FIXTURE + ".backend.cpu.CpuBackend"),
            "nnAndModelsDoNotUseData", List.of(FIXTURE + ".nn.Dropout.maskSeed(long)", FIXTURE + ".data.Seeds"),
            "familyContractKnowsNoFamily", List.of(FIXTURE + ".detectors.DetectorFamily.latent()",
                    FIXTURE + ".detectors.latent.LatentFamily"),
            "familiesAreIndependent", List.of(FIXTURE + ".detectors.classifier.ClassifierFamily"),
            "packagesAreFreeOfCycles", List.of("Cycle detected", FIXTURE + ".detectors.latent"));

    private static final JavaClasses FIXTURE_CLASSES = new ClassFileImporter().importPackages(FIXTURE);

    @Test
    void everyRuleReportsItsPlantedViolation() {
        Map<String, ArchRule> rules = new LayeringRules(FIXTURE).byName();
        assertEquals(PLANTED.keySet(), rules.keySet(), "every rule needs a planted violation in the fixture");
        assertAll(rules.entrySet().stream().map(e -> () -> {
            EvaluationResult result = e.getValue().evaluate(FIXTURE_CLASSES);
            String report = String.join("\n", result.getFailureReport().getDetails());
            assertTrue(result.hasViolation(), e.getKey() + " found nothing in the fixture");
            for (String planted : PLANTED.get(e.getKey())) {
                assertTrue(report.contains(planted), e.getKey() + " does not report " + planted + ":\n" + report);
            }
        }));
    }

    @Test
    void allowedDependenciesAreNotReported() {
        LayeringRules rules = new LayeringRules(FIXTURE);
        String layers = String.join("\n", rules.layers().evaluate(FIXTURE_CLASSES).getFailureReport().getDetails());
        assertFalse(layers.contains("<" + FIXTURE + ".backend.Backends.defaultBackend()> calls constructor"), layers);
        assertFalse(layers.contains("<" + FIXTURE + ".backend.cpu.CpuBackend.make()>"), layers);
        assertFalse(layers.contains("<" + FIXTURE + ".detectors.classifier.ClassifierFamily> implements"), layers);
    }

    @Test
    void theCompositeRuleFailsOnTheFixture() {
        assertTrue(new LayeringRules(FIXTURE).all().evaluate(FIXTURE_CLASSES).hasViolation());
    }
}
