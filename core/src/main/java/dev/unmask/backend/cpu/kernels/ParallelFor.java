package dev.unmask.backend.cpu.kernels;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A parallel for-loop over one shared, fixed set of daemon worker threads. The number of threads is the
 * number of available processors unless the system property {@code unmask.threads} says otherwise.
 * A loop started from inside a worker runs inline, so kernels may nest without deadlock; loops started
 * by several application threads at once share the workers, and each caller works on its own loop too.
 *
 * <p>A loop is cut into up to {@link #CHUNKS_PER_THREAD} chunks per thread, claimed one at a time, so that a
 * thread that starts late or runs slower takes fewer. A worker that finishes polls for the next loop for
 * {@link #SPIN_NANOS} before it parks: a model step starts a loop every millisecond or two, and waking a
 * parked thread took 60-110 microseconds per loop on the project's 2-core machine (the caller waited for it
 * at every loop, 4-10% of a VQ-VAE training step). What a chunk computes depends only on its index range,
 * never on the thread that runs it, so results do not depend on scheduling.
 */
public final class ParallelFor {
    /** Threads that work on one loop: the caller plus {@code THREADS - 1} pool workers. */
    public static final int THREADS = Math.max(1,
            Integer.getInteger("unmask.threads", Runtime.getRuntime().availableProcessors()));

    /** Chunks per thread: a late or slow thread leaves its share to the others at this granularity. */
    static final int CHUNKS_PER_THREAD = 4;
    /** How long an idle worker, or a caller whose chunks are all claimed, polls before parking. */
    static final long SPIN_NANOS = 200_000;

    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
    /** Loops with chunks left to claim, oldest first. */
    private static final ConcurrentLinkedQueue<Loop> PENDING = new ConcurrentLinkedQueue<>();
    private static final Worker[] WORKERS = startWorkers();

    /** The body of a loop over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private ParallelFor() {
    }

    /**
     * Runs {@code body} over [0, n) split into contiguous chunks, and returns when all are done. An exception
     * in any chunk is rethrown here (the first one; the other chunks still run).
     */
    public static void range(int n, RangeBody body) {
        int chunks = Math.min(n, THREADS * CHUNKS_PER_THREAD);
        if (Math.min(n, THREADS) <= 1 || IN_POOL.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Loop loop = new Loop(n, chunks, body, Thread.currentThread());
        PENDING.add(loop);
        for (Worker w : WORKERS) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
        loop.work();
        loop.awaitDone();
        Throwable failure = loop.failure.get();
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel loop failed", failure);
        }
    }

    /** One call of {@link #range}: its chunks, claimed by index, and how many have finished. */
    private static final class Loop {
        private final int n;
        private final int chunks;
        private final RangeBody body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(int n, int chunks, RangeBody body, Thread caller) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.caller = caller;
        }

        /** Runs chunks until none is left to claim; the last one to finish wakes the caller. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run(start(c), start(c + 1));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                if (done.incrementAndGet() == chunks && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
            PENDING.remove(this);
        }

        boolean exhausted() {
            return next.get() >= chunks;
        }

        private int start(int chunk) {
            return (int) ((long) n * chunk / chunks);
        }

        void awaitDone() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done.get() < chunks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    /** A pool thread: takes chunks of the oldest pending loop, polls a while when there is none, then parks. */
    private static final class Worker implements Runnable {
        private volatile boolean parked;
        private Thread thread;

        @Override
        public void run() {
            IN_POOL.set(true);
            long idleSince = System.nanoTime();
            while (true) {
                Loop loop = PENDING.peek();
                if (loop != null) {
                    if (loop.exhausted()) {
                        PENDING.remove(loop);
                    } else {
                        loop.work();
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // announce first, then look again: a caller that adds a loop after that look sees the flag
                    parked = true;
                    if (PENDING.isEmpty()) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    private static Worker[] startWorkers() {
        Worker[] workers = new Worker[THREADS - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            Thread t = new Thread(workers[i], "unmask-cpu-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
        return workers;
    }
}
