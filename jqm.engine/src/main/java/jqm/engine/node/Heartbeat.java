package jqm.engine.node;

import java.util.Date;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.run.PayloadRunner;
import jqm.engine.store.Store;

/**
 * Tells the cluster this node is alive, and ends as CRASHED the instances that dead nodes (silent for
 * longer than the dead-after time) left attributed or running. Every live node looks; the ending is
 * a conditional update, so each instance is ended by exactly one of them. A node judges others only
 * once it has itself reached the database for the whole dead-after time: after a database outage
 * every node's heartbeat is old, and the live ones need that long to beat again.
 *
 * <p>At each beat it also ends CRASHED the instances claimed for this node longer than the dead-after
 * time ago that none of its runners holds (lost on the way: see {@link Store#crashLost}), rather than
 * leaving them attributed or running until the node restarts.
 */
@Component(immediate = true)
public class Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final LocalNode node;
    private final Store store;
    private final PayloadRunner runner;
    private final ScheduledExecutorService timer;
    private boolean failing;
    /** Since when the database has answered every beat (only the timer thread uses it). */
    private long reachableSince = System.currentTimeMillis();

    @Activate
    public Heartbeat(@Reference LocalNode node, @Reference Store store, @Reference PayloadRunner runner) {
        this.node = node;
        this.store = store;
        this.runner = runner;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "jqm-heartbeat"));
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = t;
        timer.scheduleWithFixedDelay(this::beat, node.heartbeatSeconds(), node.heartbeatSeconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    private void beat() {
        try {
            store.heartbeat(node.name());
            if (failing) {
                LOG.info("Node {} reaches the database again; it judges other nodes dead after {} s more", node.name(),
                        node.deadAfterSeconds());
                failing = false;
                reachableSince = System.currentTimeMillis();
            }
            long now = System.currentTimeMillis();
            Date limit = new Date(now - node.deadAfterSeconds() * 1000L);
            List<Long> lost = store.crashLost(node.name(), limit, runner::holds);
            if (!lost.isEmpty()) {
                LOG.warn("Node {} ended CRASHED {} instance(s) claimed for it that none of its runners had (claims or ends lost "
                        + "with a database connection): {}", node.name(), lost.size(), lost);
            }
            if (now - reachableSince >= node.deadAfterSeconds() * 1000L) {
                List<Long> crashed = store.crashInstancesOfDeadNodes(limit, node.name());
                if (!crashed.isEmpty()) {
                    LOG.warn("Node {} ended CRASHED {} instance(s) left by dead nodes: {}", node.name(), crashed.size(), crashed);
                }
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.error("Node {} cannot tell the cluster it is alive: {}", node.name(), e.getMessage());
                failing = true;
            }
        }
    }
}
