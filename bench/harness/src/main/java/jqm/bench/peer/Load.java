package jqm.bench.peer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** What the peers share: work timed on threads, and the steady load with its delays. */
final class Load {
    private Load() {
    }

    /** @return the time (ms) that many threads took to run the work, each its own copy of it */
    static long timed(int threads, Runnable work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        if (failure.get() != null) {
            throw failure.get();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * Jobs submitted at a steady rate (each at its planned time, from 4 threads), each recording when
     * it started and ended; {@link #run} answers once all ended, with the delays from submission.
     */
    static final class Steady {
        private final int n;
        private final long[] submittedAt;
        private final long[] startDelay;
        private final long[] endDelay;
        private final AtomicInteger ended = new AtomicInteger();

        Steady(int rate, int seconds) {
            n = rate * seconds;
            submittedAt = new long[n];
            startDelay = new long[n];
            endDelay = new long[n];
        }

        void started(int i) {
            startDelay[i] = System.nanoTime() - submittedAt[i];
        }

        void ended(int i) {
            endDelay[i] = System.nanoTime() - submittedAt[i];
            ended.incrementAndGet();
        }

        /** @return the JSON answer: how many ran, how many were submitted late, the delays' p50 and p99 (ms) */
        String run(int rate, IntConsumer submit) throws Exception {
            long periodNs = 1_000_000_000L / rate;
            AtomicInteger next = new AtomicInteger();
            AtomicInteger late = new AtomicInteger();
            long start = System.nanoTime() + 50_000_000L;
            timed(4, () -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    long wait = start + i * periodNs - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    } else if (wait < -periodNs) {
                        late.incrementAndGet();
                    }
                    submittedAt[i] = System.nanoTime();
                    submit.accept(i);
                }
            });
            long deadline = System.currentTimeMillis() + 300_000;
            while (ended.get() < n && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            return "{\"n\":" + n + ",\"ran\":" + ended.get() + ",\"late\":" + late.get() + ",\"runningP50\":" + pct(startDelay, 50)
                    + ",\"runningP99\":" + pct(startDelay, 99) + ",\"endedP50\":" + pct(endDelay, 50) + ",\"endedP99\":" + pct(endDelay, 99)
                    + "}";
        }

        /** @return the percentile in ms of the recorded delays (ns) */
        private static double pct(long[] delaysNs, int p) {
            long[] sorted = Arrays.stream(delaysNs).filter(d -> d > 0).sorted().toArray();
            if (sorted.length == 0) {
                return -1;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1_000_000.0;
        }
    }
}
