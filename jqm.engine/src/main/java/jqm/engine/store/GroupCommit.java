package jqm.engine.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the same kind of request from many threads in shared statements: a caller queues its request;
 * if no batch is running it runs one, of every request queued so far, otherwise it waits, and is woken
 * when a batch has done its request, or when the batch is over and its request is first in line.
 * Nothing waits for a batch to fill (but for the gathering time, when one is given): alone, a request
 * runs at once; under load, the requests that arrive while a batch runs make the next one. Each caller
 * gets its own answer, or the failure of its batch (or its own).
 *
 * @param <Q> a request
 * @param <A> its answer
 */
final class GroupCommit<Q, A> {
    /**
     * Runs a batch: one answer per request, in the requests' order. An answer may be a
     * {@link Refused}: that request alone fails, with its exception. A batch that throws fails all.
     */
    @FunctionalInterface
    interface Work<Q, A> {
        List<Object> apply(List<Q> requests);
    }

    /** The answer to one request of a batch that failed on its own. */
    record Refused(RuntimeException failure) {
    }

    private static final class Pending<Q, A> {
        final Q request;
        final Thread caller = Thread.currentThread();
        A answer;
        RuntimeException failure;
        volatile boolean done;

        Pending(Q request) {
            this.request = request;
        }
    }

    /**
     * How long a waiting caller sleeps at most before it looks again (ns): only a safety net, since
     * callers are woken when their request is done, and the first waiting one when a batch ends.
     */
    private static final long WAIT_NS = 5_000_000;

    private final ConcurrentLinkedQueue<Pending<Q, A>> queue = new ConcurrentLinkedQueue<>();
    /** How many requests are queued. */
    private final AtomicInteger queued = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Work<Q, A> work;
    private final int maxBatch;
    /** How long a batch may wait for the callers of the previous one to come back (ns); 0: never waits. */
    private final long gatherNs;
    /** The size of the last batch: as many callers are likely to come back. */
    private volatile int lastBatch = 1;
    /** When the requests gathering for the next batch go, however many they are ({@link System#nanoTime}); 0: none gathering. */
    private volatile long gatherUntil;

    /** Batches that never wait. */
    GroupCommit(int maxBatch, Work<Q, A> work) {
        this(maxBatch, 0, work);
    }

    /**
     * @param gatherNs how long a batch may wait until as many requests are queued as the previous batch
     *            had (ns): the callers of a batch are woken one after the other, and the first one back
     *            would otherwise run the next batch alone while the others are still waking, so that under
     *            a steady load batches alternate between a few requests and the rest. The caller whose
     *            request completes the batch runs it, on its way (no waiting caller to wake first); the
     *            first caller runs it once that time is over. A lone caller (whose previous batch was its
     *            own) never waits.
     */
    GroupCommit(int maxBatch, long gatherNs, Work<Q, A> work) {
        this.maxBatch = maxBatch;
        this.gatherNs = gatherNs;
        this.work = work;
    }

    A submit(Q request) {
        Pending<Q, A> mine = new Pending<>(request);
        queue.add(mine);
        queued.incrementAndGet();
        while (!mine.done) {
            if (!queue.isEmpty() && lock.tryLock()) {
                boolean ran;
                try {
                    // No batch runs: the requests queued so far (this one's too, unless the batch that just ended took it)
                    // go now if as many as in the previous batch are there, or the gathering time is over.
                    ran = ready();
                    if (ran) {
                        gatherUntil = 0;
                        List<Pending<Q, A>> batch = new ArrayList<>();
                        Pending<Q, A> p;
                        while (batch.size() < maxBatch && (p = queue.poll()) != null) {
                            queued.decrementAndGet();
                            batch.add(p);
                        }
                        if (!batch.isEmpty()) {
                            lastBatch = batch.size();
                            run(batch);
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (ran) {
                    // Requests queued while this batch ran: their callers sleep; the first runs the next batch.
                    Pending<Q, A> next = queue.peek();
                    if (next != null) {
                        LockSupport.unpark(next.caller);
                    }
                } else {
                    // The others are coming back: the one that completes the batch runs it (this one is then woken with its
                    // answer), or this one does once the gathering time is over.
                    long left = gatherUntil - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(this, left);
                    }
                }
            } else {
                // Another caller runs a batch: it wakes this one when its request is done, or when it is done with
                // the lock and this one's request is first in line for the next batch.
                LockSupport.parkNanos(this, WAIT_NS);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.answer;
    }

    /**
     * Under the lock: whether the queued requests go now, as many as the previous batch had being queued
     * (or the gathering time being over); otherwise the gathering time starts, if it has not.
     */
    private boolean ready() {
        if (gatherNs <= 0 || queued.get() >= Math.min(lastBatch, maxBatch)) {
            return true;
        }
        long now = System.nanoTime();
        if (gatherUntil == 0) {
            gatherUntil = now + gatherNs;
            return false;
        }
        return now - gatherUntil >= 0;
    }

    private void run(List<Pending<Q, A>> batch) {
        List<Q> requests = new ArrayList<>(batch.size());
        batch.forEach(p -> requests.add(p.request));
        try {
            List<Object> answers = work.apply(requests);
            for (int i = 0; i < batch.size(); i++) {
                if (answers.get(i) instanceof Refused r) {
                    batch.get(i).failure = r.failure();
                } else {
                    @SuppressWarnings("unchecked")
                    A a = (A) answers.get(i);
                    batch.get(i).answer = a;
                }
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.failure = e);
        }
        for (Pending<Q, A> p : batch) {
            p.done = true; // volatile: publishes the answer or failure written above
            if (p.caller != Thread.currentThread()) {
                LockSupport.unpark(p.caller);
            }
        }
    }
}
