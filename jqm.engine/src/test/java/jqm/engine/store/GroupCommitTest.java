package jqm.engine.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/** Callers of many threads share batches, each gets its own answer, and a failure reaches only whom it concerns. */
public class GroupCommitTest {
    @Test
    public void concurrentCallersShareBatchesAndEachGetsItsOwnAnswer() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Integer> g = new GroupCommit<>(50, requests -> {
            sizes.add(requests.size());
            try {
                Thread.sleep(2); // a round trip: meanwhile others queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ArrayList<Object>(requests.stream().map(r -> r * 10).toList());
        });
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int n = i;
            answers.add(pool.submit(() -> {
                go.await();
                return g.submit(n);
            }));
        }
        go.countDown();
        for (int i = 0; i < answers.size(); i++) {
            assertEquals(Integer.valueOf(i * 10), answers.get(i).get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals("every request ran once", 2000, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue("requests shared batches: " + sizes.size() + " batches", sizes.size() < 1000);
        assertTrue("no batch over its maximum", sizes.stream().allMatch(s -> s <= 50));
    }

    @Test
    public void aRefusedRequestFailsAloneAndAFailedBatchFailsItsCallers() {
        GroupCommit<Integer, Integer> g = new GroupCommit<>(10, requests -> {
            if (requests.contains(-1)) {
                throw new IllegalStateException("database down");
            }
            return new ArrayList<Object>(requests.stream()
                    .map(r -> r == 0 ? (Object) new GroupCommit.Refused(new IllegalArgumentException("refused " + r)) : r).toList());
        });
        assertEquals(Integer.valueOf(5), g.submit(5));
        try {
            g.submit(0);
            fail("refused");
        } catch (IllegalArgumentException e) {
            assertEquals("refused 0", e.getMessage());
        }
        try {
            g.submit(-1);
            fail("the batch failed");
        } catch (IllegalStateException e) {
            assertEquals("database down", e.getMessage());
        }
        assertEquals("the next batch runs", Integer.valueOf(7), g.submit(7));
    }

    @Test
    public void underASteadyLoadEachBatchWaitsForTheCallersOfThePreviousOne() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        // caller number -> its thread; requests are caller * 10,000 + i
        java.util.Map<Integer, Thread> threads = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger runByLast = new java.util.concurrent.atomic.AtomicInteger();
        // A long gathering time: only the callers' coming back decides a batch's size (200 ms only when one is missing).
        GroupCommit<Integer, Integer> g = new GroupCommit<>(50, TimeUnit.MILLISECONDS.toNanos(200), requests -> {
            sizes.add(requests.size());
            if (threads.get(requests.get(requests.size() - 1) / 10_000) == Thread.currentThread()) {
                runByLast.incrementAndGet();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ArrayList<Object>(requests);
        });
        int callers = 4;
        int each = 200;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            int caller = t;
            done.add(pool.submit(() -> {
                threads.put(caller, Thread.currentThread());
                go.await();
                for (int i = 0; i < each; i++) {
                    int request = caller * 10_000 + i;
                    assertEquals(Integer.valueOf(request), g.submit(request));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals("every request ran once", callers * each, sizes.stream().mapToInt(Integer::intValue).sum());
        // Without gathering, the first caller back runs the next batch alone while the others wake: about twice as many.
        long full = sizes.stream().filter(n -> n == callers).count();
        assertTrue("batches of all four callers, but: " + sizes, full >= each - 10);
        // The caller that completes a batch runs it at once (rather than waking the first one, which waited).
        assertTrue("batches run by the caller that completed them: " + runByLast.get() + " of " + sizes.size(), runByLast.get() >= each - 20);
    }

    @Test
    public void aLoneCallerNeverWaitsToGather() throws Exception {
        GroupCommit<Integer, Integer> g = new GroupCommit<>(50, TimeUnit.SECONDS.toNanos(30), requests -> new ArrayList<Object>(requests));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> lone = pool.submit(() -> {
            for (int i = 0; i < 100; i++) {
                assertEquals(Integer.valueOf(i), g.submit(i));
            }
            return null;
        });
        lone.get(10, TimeUnit.SECONDS); // a single wait for a second caller would take 30 s
        pool.shutdown();
    }
}
