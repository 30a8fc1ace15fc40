package jqm.engine.monitor;

import java.lang.management.ManagementFactory;

import javax.management.ObjectName;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.node.LocalNode;
import jqm.engine.poll.Pollers;

/** The node's MBean, {@code jqm:type=Node,name=NODE}, registered while the node polls. */
@Component(immediate = true)
public class NodeMonitor implements NodeMBean {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMonitor.class);

    private final BundleContext context;
    private final LocalNode node;
    private final Pollers pollers;
    private final ObjectName name;

    @Activate
    public NodeMonitor(BundleContext context, @Reference LocalNode node, @Reference Pollers pollers) {
        this.context = context;
        this.node = node;
        this.pollers = pollers;
        this.name = Beans.name("type", "Node", "name", node.name());
        Beans.register(name, this, NodeMBean.class);
    }

    @Deactivate
    void deactivate() {
        Beans.unregister(name);
    }

    @Override
    public long getCumulativeJobInstancesCount() {
        return pollers.claimed();
    }

    @Override
    public int getCurrentlyRunningJobCount() {
        return pollers.running();
    }

    @Override
    public long getUptime() {
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
    }

    @Override
    public boolean isAllPollersPolling() {
        return pollers.pollersInTime();
    }

    @Override
    public boolean isFull() {
        return pollers.full();
    }

    @Override
    public String getVersion() {
        return context.getBundle().getVersion().toString();
    }

    @Override
    public void stop() {
        LOG.warn("Node {} asked to stop through JMX", node.name());
        new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException e) {
                LOG.error("Could not stop the node: {}", e.getMessage());
            }
        }, "jqm-jmx-stop").start();
    }

    @Override
    public void refreshConfiguration() {
        pollers.refresh();
    }
}
