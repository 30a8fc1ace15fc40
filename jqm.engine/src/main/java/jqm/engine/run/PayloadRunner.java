package jqm.engine.run;

import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.client.State;
import jqm.api.payload.JobPayload;
import jqm.engine.node.LocalNode;
import jqm.engine.store.Claim;
import jqm.engine.store.Store;

/**
 * Knows the {@link JobPayload} services deployed on this node, declares their job definitions, and
 * runs claimed instances with them.
 */
@Component(service = PayloadRunner.class, immediate = true)
public class PayloadRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PayloadRunner.class);

    private final BundleContext context;
    private final Store store;
    private final LocalNode node;
    /** Payload services by job definition name; the best ranked first. */
    private final Map<String, NavigableSet<ServiceReference<JobPayload>>> payloads = new ConcurrentHashMap<>();

    @Activate
    public PayloadRunner(BundleContext context, @Reference Store store, @Reference LocalNode node) {
        this.context = context;
        this.store = store;
        this.node = node;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPayload(ServiceReference<JobPayload> ref) {
        String name = jobName(ref);
        if (name == null) {
            LOG.error("Bundle {} registers a JobPayload service without the service property {}: it cannot be run",
                    ref.getBundle().getSymbolicName(), JobPayload.JOBDEF);
            return;
        }
        payloads.computeIfAbsent(name, k -> new ConcurrentSkipListSet<>((a, b) -> b.compareTo(a))).add(ref);
        Bundle b = ref.getBundle();
        String declaredBy = b.getSymbolicName() + " " + b.getVersion();
        Object description = ref.getProperty(JobPayload.DESCRIPTION);
        try {
            store.declareJobDefinition(name, description == null ? null : description.toString(), declaredBy);
            LOG.info("Job definition {} deployed by payload bundle {}", name, declaredBy);
        } catch (RuntimeException e) {
            LOG.error("Job definition {} of payload bundle {} could not be declared: {}", name, declaredBy, e.getMessage());
        }
    }

    void removePayload(ServiceReference<JobPayload> ref) {
        String name = jobName(ref);
        if (name != null) {
            payloads.computeIfPresent(name, (k, set) -> {
                set.remove(ref);
                return set.isEmpty() ? null : set;
            });
            LOG.info("Payload of job definition {} removed (bundle {})", name, ref.getBundle().getSymbolicName());
        }
    }

    private static String jobName(ServiceReference<?> ref) {
        Object p = ref.getProperty(JobPayload.JOBDEF);
        return p instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    /**
     * Runs a claimed instance on the calling thread, and ends it: ENDED when its payload returns,
     * CRASHED when it throws or is not deployed on this node.
     */
    public void run(Claim claim) {
        NavigableSet<ServiceReference<JobPayload>> refs = payloads.get(claim.jobName());
        ServiceReference<JobPayload> ref = refs == null || refs.isEmpty() ? null : refs.first();
        ServiceObjects<JobPayload> objects = ref == null ? null : context.getServiceObjects(ref);
        JobPayload payload = objects == null ? null : objects.getService();
        if (payload == null) {
            store.end(claim.id(), State.CRASHED, "No payload for job definition " + claim.jobName()
                    + " is deployed on node " + node.name() + ": deploy its payload bundle on every node polling queue "
                    + claim.queueName());
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        String previousName = thread.getName();
        State end = State.ENDED;
        String reason = null;
        try {
            thread.setName("jqm-instance-" + claim.id() + "-" + claim.jobName());
            BundleWiring wiring = ref.getBundle().adapt(BundleWiring.class);
            if (wiring != null) {
                thread.setContextClassLoader(wiring.getClassLoader());
            }
            store.markRunning(claim.id());
            payload.run(new RunningContext(claim, node.name(), store));
        } catch (Throwable t) {
            end = State.CRASHED;
            reason = "The payload failed: " + t;
            LOG.info("Instance {} of {} crashed: {}", claim.id(), claim.jobName(), t.toString());
        } finally {
            thread.setContextClassLoader(previous);
            thread.setName(previousName);
            try {
                objects.ungetService(payload);
            } catch (RuntimeException e) {
                LOG.debug("Payload service already gone", e);
            }
        }
        store.end(claim.id(), end, reason);
    }
}
