package jqm.engine.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On PostgreSQL, tells every node (those listening to {@link PostgresSql#CHANNEL}, this one included)
 * which queues have new waiting instances, once these are committed, outside their transaction: a
 * notification inside it would hold the database's notification lock until its commit is flushed, and
 * the node's enqueues would commit one at a time. Queues are gathered from any thread and sent by one
 * thread of its own, in one statement, at once when nothing was sent for {@link #INTERVAL_NS}, otherwise
 * that long after the previous sending: under load, one notification (one round trip, one wake-up of each
 * listening node) for many commits, the wait bounded by that interval. The nodes' own pollers do not wait
 * for it: the client wakes them when it has enqueued. A notification lost (the database failing, the node
 * stopping) delays the work, nothing more: every queue is polled anyway.
 */
final class SubmittedNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubmittedNotifier.class);

    /** The shortest time between two sendings (ns). */
    static final long INTERVAL_NS = 5_000_000;

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** When the last sending began (System.nanoTime). */
    private volatile long lastSent = System.nanoTime() - INTERVAL_NS;
    /** Whether a sending is queued and has not yet taken the pending queues. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jqm-submitted-notifier");
        t.setDaemon(true);
        return t;
    });
    private final Consumer<Collection<String>> send;

    /** @param send notifies the given queues (one statement, auto-commit) */
    SubmittedNotifier(Consumer<Collection<String>> send) {
        this.send = send;
    }

    /** Has the queue notified soon, after whatever the caller has committed. */
    void submitted(String queue) {
        pending.add(queue);
        if (queued.compareAndSet(false, true)) {
            try {
                thread.schedule(this::send, Math.max(0, lastSent + INTERVAL_NS - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                queued.set(false); // closed: the node stops
            }
        }
    }

    private void send() {
        lastSent = System.nanoTime();
        queued.set(false); // a queue added from now on queues another sending, which may find it already sent
        List<String> queues = new ArrayList<>();
        for (Iterator<String> i = pending.iterator(); i.hasNext();) {
            queues.add(i.next());
            i.remove();
        }
        if (queues.isEmpty()) {
            return;
        }
        try {
            send.accept(queues);
        } catch (RuntimeException e) {
            LOG.warn("Could not notify the nodes of new instances in queue(s) {}; they find them at their next poll: {}", queues,
                    e.getMessage());
        }
    }

    /** Sends what is pending (waiting a few seconds at most), then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
