package jqm.engine.node;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the framework cleanly when the JVM is asked to end (SIGTERM from a service manager, Ctrl-C),
 * so that running instances get the node's stop timeout to end and none is left behind as RUNNING.
 * The launcher of the runtime jar does not do it. The hook exists only while this component is active.
 */
@Component(immediate = true)
public class ProcessShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessShutdown.class);

    private final Thread hook;

    @Activate
    public ProcessShutdown(BundleContext context, @Reference LocalNode node) {
        Bundle system = context.getBundle(0);
        long waitMs = (node.stopTimeoutSeconds() + 15) * 1000L;
        this.hook = new Thread(() -> {
            LOG.info("Node {} asked to stop by the operating system: stopping", node.name());
            try {
                system.stop();
                if (system instanceof Framework fw) {
                    fw.waitForStop(waitMs);
                }
            } catch (BundleException | InterruptedException | IllegalStateException e) {
                LOG.warn("Node {} did not stop cleanly: {}", node.name(), e.toString());
            }
        }, "jqm-process-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        if (Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and stops the framework
        }
    }
}
