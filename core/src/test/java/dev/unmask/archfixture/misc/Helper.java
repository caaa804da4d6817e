package dev.unmask.archfixture.misc;

/** Planted: a package that is in no layer. */
public final class Helper {
    private Helper() {
    }
}
