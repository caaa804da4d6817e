package dev.unmask;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of DESIGN section 2 as ArchUnit rules over the package tree under {@code root}: the library
 * itself ({@code dev.unmask}, checked by {@link LayeringTest}) and a fixture with a planted violation of every
 * rule ({@code dev.unmask.archfixture}, checked by {@link LayeringFixtureTest}), so the same rules are seen to
 * pass on the one and to fail on the other.
 *
 * <p>Layers, top to bottom; a layer uses only layers below it, never one beside it:
 * <pre>
 *   api            root package: Detector, Detection, DetectorFamilies, ...
 *   detectors, faces, video
 *   train          the training loop and checkpoints (uses io, data, nn, optim)
 *   data, metrics
 *   models
 *   nn, optim, io  io (safetensors, bundles, Keras HDF5) uses tensors only, so models can import weights
 *   autograd
 *   backend        the Backend contract (Backend, BackendScope), which every layer above may use
 *   ops
 *   random, tensor leaves: they depend on nothing in the library
 * </pre>
 * Beside the chain: {@code Backends} (the run-time choice) and the implementations in {@code backend.cpu} and
 * {@code backend.cuda}, which only {@code Backends} and the layers that decide where work runs (api,
 * detectors, train) may use.
 */
final class LayeringRules {
    private static final String API = "Api";
    private static final String DETECTORS = "Detectors";
    private static final String FACES = "Faces";
    private static final String VIDEO = "Video";
    private static final String TRAIN = "Train";
    private static final String IO = "Io";
    private static final String DATA = "Data";
    private static final String METRICS = "Metrics";
    private static final String MODELS = "Models";
    private static final String NN = "Nn";
    private static final String OPTIM = "Optim";
    private static final String AUTOGRAD = "Autograd";
    private static final String BACKEND_CONTRACT = "BackendContract";
    private static final String OPS = "Ops";
    private static final String RANDOM = "Random";
    private static final String TENSOR = "Tensor";
    private static final String BACKEND_CHOICE = "BackendChoice";
    private static final String BACKEND_IMPLEMENTATIONS = "BackendImplementations";

    /** The main chain, top to bottom; the layers of one level do not use one another. */
    private static final List<List<String>> LEVELS = List.of(
            List.of(API),
            List.of(DETECTORS, FACES, VIDEO),
            List.of(TRAIN),
            List.of(DATA, METRICS),
            List.of(MODELS),
            List.of(NN, OPTIM, IO),
            List.of(AUTOGRAD),
            List.of(BACKEND_CONTRACT),
            List.of(OPS),
            List.of(RANDOM, TENSOR));

    /** The layers that decide where work runs, and so may create a backend or ask for the default one. */
    private static final List<String> CHOOSE_A_BACKEND = List.of(API, DETECTORS, TRAIN);

    private final String root;
    private final String backendChoice;

    LayeringRules(String root) {
        this.root = root;
        this.backendChoice = root + ".backend.Backends";
    }

    /** Every rule by name, in the order of their Javadoc here. */
    Map<String, ArchRule> byName() {
        Map<String, ArchRule> rules = new LinkedHashMap<>();
        rules.put("layers", layers());
        rules.put("tensorIsALeaf", tensorIsALeaf());
        rules.put("modulesNeverChooseABackend", modulesNeverChooseABackend());
        rules.put("backendImplementationsStayAboveModels", backendImplementationsStayAboveModels());
        rules.put("nnAndModelsDoNotUseData", nnAndModelsDoNotUseData());
        rules.put("familyContractKnowsNoFamily", familyContractKnowsNoFamily());
        rules.put("familiesAreIndependent", familiesAreIndependent());
        rules.put("packagesAreFreeOfCycles", packagesAreFreeOfCycles());
        return rules;
    }

    /** All rules as one. */
    ArchRule all() {
        List<ArchRule> rules = new ArrayList<>(byName().values());
        CompositeArchRule all = CompositeArchRule.of(rules.get(0));
        for (ArchRule rule : rules.subList(1, rules.size())) {
            all = all.and(rule);
        }
        return all;
    }

    /**
     * The layers above, every class of the tree in one of them; a layer that has no class yet (video) is
     * empty, not an error, while a class in a package that is in no layer is.
     */
    ArchRule layers() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .withOptionalLayers(true)
                .layer(API).definedBy(root)
                .layer(DETECTORS).definedBy(tree("detectors"))
                .layer(FACES).definedBy(tree("faces"))
                .layer(VIDEO).definedBy(tree("video"))
                .layer(TRAIN).definedBy(tree("train"))
                .layer(IO).definedBy(tree("io"))
                .layer(DATA).definedBy(tree("data"))
                .layer(METRICS).definedBy(tree("metrics"))
                .layer(MODELS).definedBy(tree("models"))
                .layer(NN).definedBy(tree("nn"))
                .layer(OPTIM).definedBy(tree("optim"))
                .layer(AUTOGRAD).definedBy(tree("autograd"))
                .layer(BACKEND_CONTRACT).definedBy(
                        resideInAPackage(root + ".backend").and(DescribedPredicate.not(backendChoice())))
                .layer(OPS).definedBy(tree("ops"))
                .layer(RANDOM).definedBy(tree("random"))
                .layer(TENSOR).definedBy(tree("tensor"))
                .layer(BACKEND_CHOICE).definedBy(backendChoice())
                .layer(BACKEND_IMPLEMENTATIONS).definedBy(tree("backend.cpu"), tree("backend.cuda"));
        for (int level = 0; level < LEVELS.size(); level++) {
            List<String> below = new ArrayList<>();
            LEVELS.subList(level + 1, LEVELS.size()).forEach(below::addAll);
            for (String layer : LEVELS.get(level)) {
                List<String> allowed = new ArrayList<>(below);
                if (CHOOSE_A_BACKEND.contains(layer)) {
                    allowed.addAll(List.of(BACKEND_CHOICE, BACKEND_IMPLEMENTATIONS));
                }
                layers = allowed.isEmpty() ? layers.whereLayer(layer).mayNotAccessAnyLayer()
                        : layers.whereLayer(layer).mayOnlyAccessLayers(allowed.toArray(String[]::new));
            }
        }
        return layers
                .whereLayer(BACKEND_CHOICE).mayOnlyAccessLayers(BACKEND_IMPLEMENTATIONS, BACKEND_CONTRACT, OPS, TENSOR)
                .whereLayer(BACKEND_IMPLEMENTATIONS).mayOnlyAccessLayers(BACKEND_CONTRACT, OPS, TENSOR)
                .whereLayer(BACKEND_CHOICE).mayOnlyBeAccessedByLayers(CHOOSE_A_BACKEND.toArray(String[]::new))
                .whereLayer(BACKEND_IMPLEMENTATIONS).mayOnlyBeAccessedByLayers(
                        Stream.concat(CHOOSE_A_BACKEND.stream(), Stream.of(BACKEND_CHOICE)).toArray(String[]::new))
                .because("DESIGN section 2: dependencies flow one way, from the api down to tensors");
    }

    /** The tensor package uses nothing else of the library. */
    ArchRule tensorIsALeaf() {
        return noClasses().that().resideInAPackage(root + ".tensor..")
                .should().dependOnClassesThat(resideInAPackage(root + "..").and(resideOutsideOfPackage(root + ".tensor..")))
                .because("a tensor does not reach for a global backend: it knows its Device, and ops on it come from "
                        + "Backend.of(tensor)");
    }

    /** No module, op or tensor asks {@code Backends} for a backend (default, created or scoped). */
    ArchRule modulesNeverChooseABackend() {
        return noClasses().that().resideInAnyPackage(belowTheChoice())
                .should().dependOnClassesThat(backendChoice())
                .because("modules are built on the backend they are given (ParameterInit) and run ops on the backend "
                        + "of their tensors (Backend.of)");
    }

    /** The CPU and CUDA implementations are unknown below the layers that choose a backend. */
    ArchRule backendImplementationsStayAboveModels() {
        return noClasses().that().resideInAnyPackage(belowTheChoice())
                .should().dependOnClassesThat().resideInAnyPackage(root + ".backend.cpu..", root + ".backend.cuda..")
                .because("a model never calls a backend directly: it sees the Backend contract only");
    }

    /** Layers and models do not use the data pipeline. */
    ArchRule nnAndModelsDoNotUseData() {
        return noClasses().that().resideInAnyPackage(root + ".nn..", root + ".models..")
                .should().dependOnClassesThat().resideInAPackage(root + ".data..")
                .because("models are fed tensors; random streams they share with the data pipeline live in "
                        + root + ".random");
    }

    /** The family contract ({@code detectors}) does not know the families in its subpackages. */
    ArchRule familyContractKnowsNoFamily() {
        return noClasses().that().resideInAPackage(root + ".detectors")
                .should().dependOnClassesThat(resideInAPackage(root + ".detectors..")
                        .and(resideOutsideOfPackage(root + ".detectors")))
                .because("families implement the contract and are found by DetectorFamilies, never named by it");
    }

    /** Detector families do not use one another. */
    ArchRule familiesAreIndependent() {
        return slices().matching(root + ".detectors.(*)..").should().notDependOnEachOther()
                .because("what two families share belongs in the contract or in the layers below");
    }

    /**
     * No cycle between packages, each package a slice of its own, except that {@code Backends} is a slice apart
     * from the rest of its package: it sits above the implementations it chooses from, which implement the
     * {@code Backend} contract beside it.
     */
    ArchRule packagesAreFreeOfCycles() {
        return slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                if (!name.equals(root) && !name.startsWith(root + ".")) {
                    return SliceIdentifier.ignore();
                }
                return backendChoice().test(javaClass) ? SliceIdentifier.of(backendChoice) : SliceIdentifier.of(name);
            }

            @Override
            public String getDescription() {
                return "the packages of " + root + ", with " + backendChoice + " apart";
            }
        }).should().beFreeOfCycles();
    }

    private String tree(String subpackage) {
        return root + "." + subpackage + "..";
    }

    private String[] belowTheChoice() {
        return Arrays.stream(new String[] {"models", "nn", "optim", "autograd", "ops", "tensor"})
                .map(this::tree).toArray(String[]::new);
    }

    /** {@code Backends} and the classes nested in it. */
    private DescribedPredicate<JavaClass> backendChoice() {
        return DescribedPredicate.describe(backendChoice, c -> c.getName().equals(backendChoice)
                || c.getName().startsWith(backendChoice + "$"));
    }
}
