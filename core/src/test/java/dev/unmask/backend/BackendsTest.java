package dev.unmask.backend;

import dev.unmask.backend.cpu.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackendsTest {
    @Test
    void withDefaultSetsTheDefaultOfThisThreadOnlyAndRestoresIt() throws Exception {
        Backend global = Backends.defaultBackend();
        Backend scoped = new ReferenceBackend();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch seen = new CountDownLatch(1);
        AtomicReference<Backend> otherThreadSaw = new AtomicReference<>();
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                inside.await();
                otherThreadSaw.set(Backends.defaultBackend());
                seen.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Backend sawInside = Backends.withDefault(scoped, () -> {
            inside.countDown();
            seen.await();
            return Backends.defaultBackend();
        });
        other.get();
        assertSame(scoped, sawInside);
        assertSame(global, otherThreadSaw.get(), "another thread must keep the process-wide default");
        assertSame(global, Backends.defaultBackend(), "the default comes back after the action");
    }

    @Test
    void nestedCallsRestoreTheOuterDefaultAndAThrowRestoresToo() {
        Backend global = Backends.defaultBackend();
        Backend outer = new ReferenceBackend();
        Backend inner = new ReferenceBackend();
        Backend afterInner = Backends.withDefault(outer, () -> {
            Backends.withDefault(inner, () -> {
                assertSame(inner, Backends.defaultBackend());
                return null;
            });
            return Backends.defaultBackend();
        });
        assertSame(outer, afterInner);
        assertThrows(IOException.class, () -> Backends.withDefault(outer, () -> {
            throw new IOException("broken file");
        }));
        assertSame(global, Backends.defaultBackend());
    }
}
