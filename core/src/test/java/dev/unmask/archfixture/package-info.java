/**
 * A miniature of the library's package tree with one planted violation of every layering rule, for
 * {@code LayeringFixtureTest}: it shows that each rule of {@code LayeringRules} fails on the dependency it
 * forbids. Only imported as class files; nothing here runs.
 */
package dev.unmask.archfixture;
