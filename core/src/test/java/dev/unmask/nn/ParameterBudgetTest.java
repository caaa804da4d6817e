package dev.unmask.nn;

import org.junit.jupiter.api.Test;

import dev.unmask.backend.Backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterBudgetTest {
    private final ParameterInit rng = new ParameterInit(Backends.defaultBackend(), 1);

    @Test
    void aScopeCountsEachInitialisedTensorAsItsValuesPlusTheOverhead() {
        try (ParameterBudget budget = ParameterBudget.limit(10_000)) {
            new Conv2d(3, 8, 3, 1, 1, rng);
            // weight [8, 3, 3, 3] and bias [8]
            assertEquals(216 + 8 + 2 * ParameterBudget.TENSOR_OVERHEAD, budget.used());
        }
    }

    /** 8192 x 8192 x 5 x 5 floats are 6.7 GB: were the budget checked after allocating, this would not return. */
    @Test
    void aTensorOverTheLimitIsRefusedBeforeItIsAllocated() {
        try (ParameterBudget budget = ParameterBudget.limit(1_000_000)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Conv2d(8192, 8192, 5, 1, 2, rng));
            assertTrue(e.getMessage().contains("more than the 1000000 parameter values allowed")
                    && e.getMessage().contains("[8192, 8192, 5, 5]"), e.getMessage());
            assertEquals(0, budget.used());
        }
    }

    @Test
    void scopesNestAndNothingIsCountedOutsideThem() {
        try (ParameterBudget outer = ParameterBudget.limit(1_000)) {
            try (ParameterBudget inner = ParameterBudget.limit(100)) {
                assertThrows(IllegalArgumentException.class, () -> new Linear(10, 10, false, rng));
                assertEquals(0, inner.used());
            }
            new Linear(10, 10, false, rng);
            assertEquals(100 + ParameterBudget.TENSOR_OVERHEAD, outer.used());
        }
        new Linear(1000, 1000, true, rng);
    }

    /**
     * What a model stores is what its layers allocate or more (weight norm stores g beside v, batch norm its
     * statistics), so the budget of {@link ParameterBudget#forStored} without its allowance builds the model.
     */
    @Test
    void theBudgetOfAStoredStateBuildsItsModelWithoutTheAllowance() {
        Sequential model = layers();
        long values = model.stateDict().values().stream().mapToLong(t -> t.shape().numel()).sum();
        long tensors = model.stateDict().size();
        try (ParameterBudget budget = ParameterBudget.limit(values + ParameterBudget.TENSOR_OVERHEAD * tensors)) {
            layers();
            assertTrue(budget.used() <= values + ParameterBudget.TENSOR_OVERHEAD * tensors);
        }
    }

    private Sequential layers() {
        return new Sequential(new Conv2d(3, 8, 3, 1, 1, rng), new BatchNorm2d(8, rng), WeightNorm.apply(new Conv2d(8, 8, 1, 1, 0, rng)),
                new Linear(8, 4, true, rng));
    }
}
