package jqm.engine.poll;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.node.NodeStatus;
import jqm.engine.model.QueueMapping;
import jqm.engine.node.LocalNode;
import jqm.engine.run.PayloadRunner;
import jqm.engine.store.Store;

/**
 * Runs one poller for each queue this node is mapped to in the database, and follows the mappings
 * as they change: at once when told ({@link #refresh()}), otherwise every refresh period. A poller
 * whose mapping is gone or disabled stops claiming at once and ends when its running instances
 * have ended.
 */
@Component(service = { Pollers.class, NodeStatus.class }, immediate = true)
public class Pollers implements NodeStatus {
    private static final Logger LOG = LoggerFactory.getLogger(Pollers.class);

    private final LocalNode node;
    private final Store store;
    private final PayloadRunner runner;
    /** Guarded by this. */
    private final Map<String, QueuePoller> pollers = new HashMap<>();
    private final ScheduledExecutorService timer;
    private boolean stopped;

    @Activate
    public Pollers(@Reference LocalNode node, @Reference Store store, @Reference PayloadRunner runner) {
        this.node = node;
        this.store = store;
        this.runner = runner;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "jqm-pollers-refresh"));
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = t;
        apply(store.mappingsOf(node.name()));
        LOG.info("Node {} polling {} queue(s), {} ms after launch", node.name(), pollers.size(),
                ManagementFactory.getRuntimeMXBean().getUptime());
        long period = node.refreshSeconds();
        timer.scheduleWithFixedDelay(this::refreshQuietly, period, period, TimeUnit.SECONDS);
    }

    /** Reads this node's mappings from the database now and applies them. */
    public void refresh() {
        apply(store.mappingsOf(node.name()));
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not read its queue mappings: {}", node.name(), e.getMessage());
        }
    }

    private synchronized void apply(List<QueueMapping> mappings) {
        if (stopped) {
            return;
        }
        Map<String, QueueMapping> wanted = new HashMap<>();
        for (QueueMapping m : mappings) {
            wanted.put(m.getQueueName(), m);
        }
        for (String queue : List.copyOf(pollers.keySet())) {
            if (!wanted.containsKey(queue)) {
                QueuePoller gone = pollers.remove(queue);
                gone.requestStop();
                LOG.info("Node {} no longer polls queue {}; {} running instance(s) go on to their end", node.name(), queue,
                        gone.running());
                long deadline = System.currentTimeMillis() + node.stopTimeoutSeconds() * 1000L;
                new Thread(() -> gone.stop(deadline), "jqm-" + queue + "-stopping").start();
            }
        }
        for (QueueMapping m : wanted.values()) {
            QueuePoller p = pollers.get(m.getQueueName());
            if (p == null) {
                p = new QueuePoller(m.getQueueName(), node.name(), m.getMaxConcurrent(), m.getPollingIntervalMs(), store,
                        runner);
                pollers.put(m.getQueueName(), p);
                p.start();
            } else {
                p.reconfigure(m.getMaxConcurrent(), m.getPollingIntervalMs());
            }
        }
    }

    /** Wakes the poller of a queue, if this node polls it, so that a new instance starts at once. */
    public void wake(String queueName) {
        QueuePoller p;
        synchronized (this) {
            p = pollers.get(queueName);
        }
        if (p != null) {
            p.wake();
        }
    }

    @Override
    public String nodeName() {
        return node.name();
    }

    @Override
    public synchronized boolean pollersInTime() {
        long now = System.currentTimeMillis();
        return pollers.values().stream().allMatch(p -> now - p.lastPoll() <= 2 * p.intervalMs() + 1000);
    }

    @Override
    public synchronized Map<String, Instant> lastPolls() {
        Map<String, Instant> result = new java.util.TreeMap<>();
        pollers.forEach((q, p) -> result.put(q, p.lastPoll() == 0 ? null : Instant.ofEpochMilli(p.lastPoll())));
        return result;
    }

    /** @return instances running on this node's pollers now */
    public synchronized int running() {
        return pollers.values().stream().mapToInt(QueuePoller::running).sum();
    }

    /** @return instances claimed by this node's pollers since they started */
    public synchronized long claimed() {
        return pollers.values().stream().mapToLong(QueuePoller::getCumulativeJobInstancesCount).sum();
    }

    /** @return whether a poller of this node has no free slot */
    public synchronized boolean full() {
        return pollers.values().stream().anyMatch(p -> p.running() >= p.slots());
    }

    /** Wakes every poller of this node. */
    public void wakeAll() {
        List<QueuePoller> all;
        synchronized (this) {
            all = List.copyOf(pollers.values());
        }
        all.forEach(QueuePoller::wake);
    }

    @Deactivate
    void stop() {
        List<QueuePoller> all;
        synchronized (this) {
            stopped = true;
            all = List.copyOf(pollers.values());
            pollers.clear();
        }
        timer.shutdownNow();
        int running = all.stream().mapToInt(QueuePoller::running).sum();
        LOG.info("Node {} stopping: no more claims; waiting up to {} s for {} running instance(s)", node.name(),
                node.stopTimeoutSeconds(), running);
        all.forEach(QueuePoller::requestStop);
        long deadline = System.currentTimeMillis() + node.stopTimeoutSeconds() * 1000L;
        all.forEach(p -> p.stop(deadline));
        runner.abandonRunning(node.stopTimeoutSeconds());
        LOG.info("Node {} stopped polling", node.name());
    }
}
