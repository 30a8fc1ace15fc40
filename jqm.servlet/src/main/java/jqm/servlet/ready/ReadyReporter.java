package jqm.servlet.ready;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.servlet.simple.EnqueueServlet;

/**
 * Logs once, when the enqueue servlet is first served by the HTTP runtime, that the node accepts
 * requests and how long after the JVM's launch that came. The HTTP runtime's service properties
 * change every time the whiteboard changes, so each change is a chance to look; but the runtime
 * publishes a change only after a pause (two seconds in Felix HTTP), so from the runtime's arrival
 * its state is also looked at every few milliseconds, until the servlet is served or for 60 s.
 */
@Component(immediate = true)
public class ReadyReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyReporter.class);

    private static final long LOOK_EVERY_MS = 10;
    private static final long LOOK_FOR_MS = 60_000;

    private final AtomicBoolean reported = new AtomicBoolean();
    private final java.util.concurrent.ScheduledExecutorService looker = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> new Thread(r, "jqm-ready-reporter"));

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        looker.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addRuntime(HttpServiceRuntime runtime, Map<String, Object> props) {
        check(runtime, props);
        long until = System.currentTimeMillis() + LOOK_FOR_MS;
        try {
            looker.scheduleWithFixedDelay(() -> {
                if (reported.get() || System.currentTimeMillis() > until) {
                    throw new java.util.concurrent.CancellationException(); // ends this schedule
                }
                check(runtime, props);
            }, LOOK_EVERY_MS, LOOK_EVERY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // deactivated meanwhile
        }
    }

    void updatedRuntime(HttpServiceRuntime runtime, Map<String, Object> props) {
        check(runtime, props);
    }

    void removeRuntime(HttpServiceRuntime runtime) {
        // nothing to release
    }

    private void check(HttpServiceRuntime runtime, Map<String, Object> props) {
        if (reported.get()) {
            return;
        }
        boolean served = false;
        try {
            for (ServletContextDTO ctx : runtime.getRuntimeDTO().servletContextDTOs) {
                served |= Arrays.stream(ctx.servletDTOs).anyMatch(s -> EnqueueServlet.NAME.equals(s.name));
            }
        } catch (IllegalStateException e) {
            return; // that runtime is already gone (HTTP restarted with new configuration); its successor will tell
        }
        if (served && reported.compareAndSet(false, true)) {
            long ms = ManagementFactory.getRuntimeMXBean().getUptime();
            LOG.info("JQM node accepting HTTP requests at {} ({} ms after launch)", endpoints(props), ms);
        }
    }

    private static String endpoints(Map<String, Object> props) {
        Object e = props.get("osgi.http.endpoint");
        if (e instanceof String[] a) {
            return String.join(", ", a);
        }
        return String.valueOf(e);
    }
}
