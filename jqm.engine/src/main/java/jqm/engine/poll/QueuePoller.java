package jqm.engine.poll;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.monitor.Beans;
import jqm.engine.monitor.QueueMBean;
import jqm.engine.run.PayloadRunner;
import jqm.engine.store.Claim;
import jqm.engine.store.Store;

/**
 * Polls one queue for one node: claims waiting instances for its free slots, never more, and runs
 * each on a thread of its own. Woken at once by an enqueue on this node or by an instance ending,
 * otherwise every polling interval. A worker thread whose instance ends goes on with the next waiting
 * one, claimed with that end (its slot stays taken), while the queue has some and polling goes on.
 */
final class QueuePoller implements QueueMBean {
    private static final Logger LOG = LoggerFactory.getLogger(QueuePoller.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final String queueName;
    private final String nodeName;
    private volatile int slots;
    private volatile long intervalMs;
    private final Store store;
    private final PayloadRunner runner;
    private final AtomicInteger running = new AtomicInteger();
    private final ExecutorService workers;
    private final Thread loop;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean stopping;
    private volatile long lastPoll;
    private volatile boolean paused;
    private final java.util.concurrent.atomic.AtomicLong claimed = new java.util.concurrent.atomic.AtomicLong();
    private final javax.management.ObjectName beanName;

    QueuePoller(String queueName, String nodeName, int slots, long intervalMs, Store store, PayloadRunner runner) {
        this.queueName = queueName;
        this.nodeName = nodeName;
        this.slots = slots;
        this.intervalMs = intervalMs;
        this.store = store;
        this.runner = runner;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jqm-" + queueName + "-runner-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        });
        this.loop = new Thread(this::pollLoop, "jqm-" + queueName + "-poller");
        this.beanName = Beans.name("type", "Node.Queue", "Node", nodeName, "name", queueName);
    }

    void start() {
        lastPoll = System.currentTimeMillis(); // in time until its first poll is due
        Beans.register(beanName, this, QueueMBean.class);
        loop.start();
        LOG.info("Polling queue {} with {} slots every {} ms", queueName, slots, intervalMs);
    }

    /** Changes the slots and polling interval; applied from the next poll. */
    void reconfigure(int slots, long intervalMs) {
        if (slots != this.slots || intervalMs != this.intervalMs) {
            LOG.info("Queue {}: now {} slots every {} ms (was {} slots every {} ms)", queueName, slots, intervalMs,
                    this.slots, this.intervalMs);
            this.slots = slots;
            this.intervalMs = intervalMs;
            wake();
        }
    }

    int slots() {
        return slots;
    }

    long intervalMs() {
        return intervalMs;
    }

    /** Asks for a poll now instead of at the end of the interval. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void pollLoop() {
        long failures = 0;
        while (!stopping) {
            long wait = intervalMs;
            try {
                int free = slots - running.get();
                if (free > 0 && !paused) {
                    List<Claim> claims = store.claim(queueName, nodeName, free);
                    claimed.addAndGet(claims.size());
                    for (Claim c : claims) {
                        running.incrementAndGet();
                        workers.execute(() -> runOne(c));
                    }
                }
                lastPoll = System.currentTimeMillis();
                if (failures > 0) {
                    LOG.info("Queue {} polls again after {} failed attempt(s)", queueName, failures);
                    failures = 0;
                }
            } catch (RuntimeException e) {
                failures++;
                if (failures == 1) {
                    LOG.error("Queue {} cannot be polled, retrying with backoff: {}", queueName, e.getMessage());
                }
                wait = Math.min(MAX_BACKOFF_MS, intervalMs * (1L << Math.min(failures, 5)));
            }
            awaitSignal(wait);
        }
    }

    private void awaitSignal(long ms) {
        synchronized (signal) {
            long deadline = System.currentTimeMillis() + ms;
            while (!woken && !stopping) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            woken = false;
        }
    }

    /**
     * Runs a claimed instance on a worker thread, then, while the queue has waiting instances and this
     * slot is still wanted, the next one, claimed with the end of the previous (no wait for the poller).
     */
    private void runOne(Claim first) {
        Claim c = first;
        try {
            while (c != null) {
                Claim current = c;
                c = null;
                try {
                    c = runner.run(current, this::keepSlot);
                } catch (RuntimeException e) {
                    LOG.error("Instance {} could not be run or ended; the node marks it CRASHED once it is older than the dead-after time", current.id(), e);
                }
                if (c != null) {
                    claimed.incrementAndGet();
                }
            }
        } finally {
            running.decrementAndGet();
            wake();
        }
    }

    /** @return whether a worker that ends an instance may run the next one: polling goes on, and its slot is still one of the slots */
    private boolean keepSlot() {
        return !stopping && !paused && running.get() <= slots;
    }

    /** Stops claiming; running instances go on. */
    void requestStop() {
        stopping = true;
        wake();
    }

    /**
     * Stops claiming, then waits until the deadline for the running instances to end.
     *
     * @param deadline a {@link System#currentTimeMillis()} instant
     * @return the number of instances still running when the wait ended
     */
    int stop(long deadline) {
        requestStop();
        Beans.unregister(beanName);
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
            workers.shutdown();
            if (!workers.awaitTermination(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                LOG.warn("Queue {}: {} instance(s) still running at the end of the stop timeout", queueName, running.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return running.get();
    }

    @Override
    public int getCurrentlyRunningJobCount() {
        return running.get();
    }

    @Override
    public int getMaxConcurrentJobInstanceCount() {
        return slots;
    }

    @Override
    public long getPollingIntervalMilliseconds() {
        return intervalMs;
    }

    @Override
    public long getCumulativeJobInstancesCount() {
        return claimed.get();
    }

    @Override
    public String getLastPoll() {
        return lastPoll == 0 ? null : java.time.Instant.ofEpochMilli(lastPoll).toString();
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void pause() {
        paused = true;
        LOG.info("Queue {}: polling paused through JMX", queueName);
    }

    @Override
    public void resume() {
        paused = false;
        LOG.info("Queue {}: polling resumed through JMX", queueName);
        wake();
    }

    String queueName() {
        return queueName;
    }

    int running() {
        return running.get();
    }

    long lastPoll() {
        return lastPoll;
    }
}
