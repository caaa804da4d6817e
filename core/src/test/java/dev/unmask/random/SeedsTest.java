package dev.unmask.random;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SeedsTest {

    @Test
    void permutationHoldsEveryIndexOnceAndDependsOnTheSeed() {
        int[] p = Seeds.permutation(50, 11);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertArrayEquals(p, Seeds.permutation(50, 11));
        assertNotEquals(Arrays.toString(p), Arrays.toString(Seeds.permutation(50, 12)));
        assertArrayEquals(new int[0], Seeds.permutation(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Seeds.permutation(-1, 1));
    }

    @Test
    void derivedSeedsDependOnEveryKeyAndTheirOrder() {
        assertNotEquals(Seeds.derive(1, 2, 3), Seeds.derive(1, 3, 2));
        assertNotEquals(Seeds.derive(1, 2), Seeds.derive(2, 2));
        assertNotEquals(Seeds.derive(1, 2), Seeds.derive(1, 2, 0));
    }
}
