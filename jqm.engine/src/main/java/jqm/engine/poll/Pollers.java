package jqm.engine.poll;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.model.QueueMapping;
import jqm.engine.node.LocalNode;
import jqm.engine.run.PayloadRunner;
import jqm.engine.store.Store;

/** Starts one poller for each queue this node is mapped to, and stops them all when the engine stops. */
@Component(service = Pollers.class, immediate = true)
public class Pollers {
    private static final Logger LOG = LoggerFactory.getLogger(Pollers.class);
    private final LocalNode node;
    private final Map<String, QueuePoller> pollers = new ConcurrentHashMap<>();

    @Activate
    public Pollers(@Reference LocalNode node, @Reference Store store, @Reference PayloadRunner runner) {
        this.node = node;
        List<QueueMapping> mappings = store.mappingsOf(node.name());
        for (QueueMapping m : mappings) {
            QueuePoller p = new QueuePoller(m.getQueueName(), node.name(), m.getMaxConcurrent(), m.getPollingIntervalMs(),
                    store, runner);
            pollers.put(m.getQueueName(), p);
            p.start();
        }
        LOG.info("Node {} polling {} queue(s), {} ms after launch", node.name(), pollers.size(),
                ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** Wakes the poller of a queue, if this node polls it, so that a new instance starts at once. */
    public void wake(String queueName) {
        QueuePoller p = pollers.get(queueName);
        if (p != null) {
            p.wake();
        }
    }

    @Deactivate
    void stop() {
        int running = pollers.values().stream().mapToInt(QueuePoller::running).sum();
        LOG.info("Node {} stopping: no more claims; waiting up to {} s for {} running instance(s)", node.name(),
                node.stopTimeoutSeconds(), running);
        pollers.values().forEach(QueuePoller::requestStop);
        pollers.values().forEach(p -> p.stop(node.stopTimeoutSeconds()));
        pollers.clear();
        LOG.info("Node {} stopped polling", node.name());
    }
}
