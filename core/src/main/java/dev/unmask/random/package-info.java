/**
 * Counter-based random streams ({@link dev.unmask.random.Seeds}): a draw is a function of a seed and the
 * keys that say what it is for. A leaf package with no dependency on the rest of the library, usable by
 * every layer from {@code nn} up.
 */
package dev.unmask.random;
