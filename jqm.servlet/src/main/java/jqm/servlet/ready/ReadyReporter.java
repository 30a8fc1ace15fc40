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
 * change every time the whiteboard changes, so each change is a chance to look.
 */
@Component(immediate = true)
public class ReadyReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyReporter.class);

    private final AtomicBoolean reported = new AtomicBoolean();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addRuntime(HttpServiceRuntime runtime, Map<String, Object> props) {
        check(runtime, props);
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
