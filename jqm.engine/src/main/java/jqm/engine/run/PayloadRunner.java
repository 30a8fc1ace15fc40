package jqm.engine.run;

import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.client.JqmClient;
import jqm.api.client.State;
import jqm.api.payload.JobPayload;
import jqm.engine.files.InstanceFiles;
import jqm.engine.monitor.Beans;
import jqm.engine.monitor.JobInstanceMBean;
import jqm.engine.node.LocalNode;
import jqm.engine.store.Claim;
import jqm.engine.store.JobDefSpec;
import jqm.engine.store.Store;

/**
 * Knows the {@link JobPayload} services deployed on this node, declares their job definitions, runs
 * claimed instances with them, and kills the running ones that overrun their maximum run time or
 * that someone asked to kill through any node.
 */
@Component(service = PayloadRunner.class, immediate = true)
public class PayloadRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PayloadRunner.class);

    /** An instance running on this node; {@code payload} is the bundle whose code runs it, if any. */
    private record Running(Claim claim, Thread thread, RunningContext context, long deadline, Bundle payload) {
    }

    private final BundleContext context;
    private final Store store;
    private final LocalNode node;
    /** Payload services by job definition name; the best ranked first. */
    private final Map<String, NavigableSet<ServiceReference<JobPayload>>> payloads = new ConcurrentHashMap<>();
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    /**
     * The instances a runner thread of this node holds: from the moment it takes one (claimed by a
     * poller or with its previous end) until its end is committed, or given up.
     */
    private final java.util.Set<Long> held = ConcurrentHashMap.newKeySet();
    /**
     * The payload that runs new instances: the highest service ranking, then the newest registration,
     * so that an updated payload bundle installed beside the old one takes over at once.
     */
    private static final java.util.Comparator<ServiceReference<JobPayload>> NEWEST_FIRST = (a, b) -> {
        int byRanking = Integer.compare(ranking(b), ranking(a));
        return byRanking != 0 ? byRanking
                : Long.compare((Long) b.getProperty(org.osgi.framework.Constants.SERVICE_ID),
                        (Long) a.getProperty(org.osgi.framework.Constants.SERVICE_ID));
    };

    private static int ranking(ServiceReference<?> ref) {
        return ref.getProperty(org.osgi.framework.Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }
    private final ScheduledExecutorService watcher;

    private final InstanceFiles files;
    private final OutputCapture output;
    /** Set when the node stops: calls waiting for the database give up. */
    private volatile boolean stopped;
    /** The last check for kill requests failed (logged once per outage); only the watcher thread uses it. */
    private boolean watchFailing;
    private final Retrying retrying = new Retrying(() -> stopped);
    /** How long a claimed instance waits for its payload while the payload's bundle is being replaced. */
    private static final int PAYLOAD_LOOKUPS = 20;
    private static final long PAYLOAD_LOOKUP_DELAY_MS = 250;

    @Activate
    public PayloadRunner(BundleContext context, @Reference Store store, @Reference LocalNode node,
            @Reference InstanceFiles files, @Reference OutputCapture output) {
        this.context = context;
        this.store = store;
        this.node = node;
        this.files = files;
        this.output = output;
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "jqm-runner-watch"));
        w.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.watcher = w;
        watcher.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        watcher.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPayload(ServiceReference<JobPayload> ref) {
        String name = jobName(ref);
        if (name == null) {
            LOG.error("Bundle {} registers a JobPayload service without the service property {}: it cannot be run",
                    ref.getBundle().getSymbolicName(), JobPayload.JOBDEF);
            return;
        }
        payloads.computeIfAbsent(name, k -> new ConcurrentSkipListSet<>(NEWEST_FIRST)).add(ref);
        declare(name, ref);
    }

    private void declare(String name, ServiceReference<JobPayload> ref) {
        Bundle b = ref.getBundle();
        String declaredBy = b.getSymbolicName() + " " + b.getVersion();
        Map<String, String> parameters = new TreeMap<>();
        for (String key : ref.getPropertyKeys()) {
            if (key.startsWith(JobPayload.PARAMETER_PREFIX) && key.length() > JobPayload.PARAMETER_PREFIX.length()) {
                parameters.put(key.substring(JobPayload.PARAMETER_PREFIX.length()), String.valueOf(ref.getProperty(key)));
            }
        }
        try {
            store.declareJobDefinition(new JobDefSpec(name, text(ref, JobPayload.DESCRIPTION), text(ref, JobPayload.QUEUE),
                    null, number(ref, JobPayload.MAX_RUN_TIME_SECONDS), Boolean.parseBoolean(text(ref, JobPayload.HIGHLANDER)),
                    null, null, null, null, null, parameters, declaredBy, names(text(ref, JobPayload.SECRET_PARAMETERS))));
            LOG.info("Job definition {} deployed by payload bundle {}", name, declaredBy);
        } catch (RuntimeException e) {
            LOG.error("Job definition {} of payload bundle {} could not be declared: {}", name, declaredBy, e.getMessage());
        }
    }

    /** Declares a job definition again from the payload that provides it here, if any. */
    public void redeclare(String name) {
        NavigableSet<ServiceReference<JobPayload>> refs = payloads.get(name);
        if (refs != null && !refs.isEmpty()) {
            declare(name, refs.first());
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

    private static java.util.Set<String> names(String commaSeparated) {
        return commaSeparated == null ? java.util.Set.of()
                : java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(n -> !n.isEmpty())
                        .collect(java.util.stream.Collectors.toSet());
    }

    private static String text(ServiceReference<?> ref, String key) {
        Object v = ref.getProperty(key);
        return v == null || v.toString().isBlank() ? null : v.toString().trim();
    }

    private static Integer number(ServiceReference<?> ref, String key) {
        String v = text(ref, key);
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            LOG.error("Service property {} of payload {} is not a number: {}", key, jobName(ref), v);
            return null;
        }
    }

    private static String jobName(ServiceReference<?> ref) {
        Object p = ref.getProperty(JobPayload.JOBDEF);
        return p instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    /**
     * Runs a claimed instance on the calling thread, and ends it: ENDED when its payload returns,
     * CRASHED when it throws or is not deployed on this node, KILLED when it was asked to stop.
     *
     * @param goOn asked when the instance ends: whether the calling thread may run another instance
     *        of the same queue; if so, the next waiting one is claimed with the end (null: never)
     * @return the instance claimed with the end, which the caller runs next, or null
     */
    public Claim run(Claim claim, java.util.function.BooleanSupplier goOn) {
        held.add(claim.id());
        try {
            return runHeld(claim, goOn);
        } finally {
            held.remove(claim.id());
        }
    }

    /**
     * @return whether a runner of this node holds the instance (between taking it and the commit of its
     *         end); an instance claimed for this node long ago that none holds was lost on the way
     *         (see {@link Store#crashLost})
     */
    public boolean holds(long id) {
        return held.contains(id);
    }

    private Claim runHeld(Claim claim, java.util.function.BooleanSupplier goOn) {
        if ("SHELL".equals(claim.kind())) {
            return runShell(claim, goOn);
        }
        // The newest payload service of the job definition. One that goes away meanwhile (its bundle being
        // updated or redeployed) is looked up again for a few seconds rather than crashing the instance.
        ServiceReference<JobPayload> ref = null;
        Bundle bundle = null;
        ServiceObjects<JobPayload> objects = null;
        JobPayload payload = null;
        for (int attempt = 0; payload == null && attempt < PAYLOAD_LOOKUPS; attempt++) {
            if (attempt > 0) {
                sleepQuietly(PAYLOAD_LOOKUP_DELAY_MS);
            }
            NavigableSet<ServiceReference<JobPayload>> refs = payloads.get(claim.jobName());
            ref = refs == null || refs.isEmpty() ? null : refs.first();
            bundle = ref == null ? null : ref.getBundle();
            objects = bundle == null ? null : context.getServiceObjects(ref);
            payload = objects == null ? null : objects.getService();
        }
        if (payload == null) {
            return endOnce(claim, State.CRASHED, "No payload for job definition " + claim.jobName()
                    + " is deployed on node " + node.name() + ": deploy its payload bundle on every node polling queue "
                    + claim.queueName(), goOn);
        }
        String killedBeforeStart = start(claim);
        if (killedBeforeStart != null) {
            objects.ungetService(payload);
            return endOnce(claim, State.KILLED, killedBeforeStart + " before it started", goOn);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        String previousName = thread.getName();
        RunningContext ctx = new RunningContext(claim, node.name(), store, files, this::client);
        Integer max = claim.maxRunTimeSeconds();
        long deadline = max == null || max <= 0 ? Long.MAX_VALUE : System.currentTimeMillis() + max * 1000L;
        running.put(claim.id(), new Running(claim, thread, ctx, deadline, bundle));
        javax.management.ObjectName bean = registerBean(claim);
        State end = State.ENDED;
        String reason = null;
        try (AutoCloseable captured = output.capture(files.lazyLog(claim.id(), InstanceFiles.Stream.STDOUT),
                files.lazyLog(claim.id(), InstanceFiles.Stream.STDERR))) {
            thread.setName("jqm-instance-" + claim.id() + "-" + claim.jobName());
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (wiring != null) {
                thread.setContextClassLoader(wiring.getClassLoader());
            }
            try {
                payload.run(ctx);
            } catch (Throwable t) {
                end = State.CRASHED;
                reason = "The payload failed: " + t;
                t.printStackTrace(System.err); // into the instance's own stderr log
            }
        } catch (Exception e) {
            end = State.CRASHED;
            reason = "The instance's log files could not be opened: " + e;
        } finally {
            Beans.unregister(bean);
            files.deleteWorkDirectory(claim.id());
            running.remove(claim.id());
            Thread.interrupted(); // a kill's interrupt must not break the end's database calls
            thread.setContextClassLoader(previous);
            thread.setName(previousName);
            try {
                objects.ungetService(payload);
            } catch (RuntimeException e) {
                LOG.debug("Payload service already gone", e);
            }
        }
        if (ctx.killReason() != null) {
            end = State.KILLED;
            reason = ctx.killReason();
        } else if (end == State.CRASHED) {
            LOG.info("Instance {} of {} crashed: {}", claim.id(), claim.jobName(), reason);
        }
        ctx.flush(retrying);
        return endOnce(claim, end, reason, goOn);
    }

    /** Runs a shell job's command as a child process, on the calling thread; a kill destroys the process. */
    private Claim runShell(Claim claim, java.util.function.BooleanSupplier goOn) {
        String killedBeforeStart = start(claim);
        if (killedBeforeStart != null) {
            return endOnce(claim, State.KILLED, killedBeforeStart + " before it started", goOn);
        }
        RunningContext ctx = new RunningContext(claim, node.name(), store, files, this::client);
        Integer max = claim.maxRunTimeSeconds();
        long deadline = max == null || max <= 0 ? Long.MAX_VALUE : System.currentTimeMillis() + max * 1000L;
        running.put(claim.id(), new Running(claim, Thread.currentThread(), ctx, deadline, null));
        javax.management.ObjectName bean = registerBean(claim);
        ShellRun.Outcome outcome;
        try {
            outcome = new ShellRun(claim, node.name(), files, simpleApiUrl()).run();
        } finally {
            Beans.unregister(bean);
            running.remove(claim.id());
            Thread.interrupted();
            files.deleteWorkDirectory(claim.id());
        }
        if (ctx.killReason() != null) {
            return endOnce(claim, State.KILLED, ctx.killReason(), goOn);
        }
        return endOnce(claim, outcome.state(), outcome.reason(), goOn);
    }

    /** @return why the instance may not run (a kill asked since its claim), or null: it is RUNNING */
    private String start(Claim claim) {
        // A runner's own claim of its next instance made it RUNNING already.
        return claim.started() ? null : retrying.call(claim.id(), "mark it running", () -> store.markRunning(claim.id()));
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the next instance, claimed with the end when {@code goOn} allows it, or null */
    private Claim endOnce(Claim claim, State end, String reason, java.util.function.BooleanSupplier goOn) {
        if (reason == null && goOn != null && goOn.getAsBoolean()) {
            try {
                jqm.engine.store.Ended e = store.endAndClaim(claim.id(), end, claim.queueName(), node.name());
                if (!e.ended()) {
                    alreadyEnded(claim, end);
                }
                return e.next();
            } catch (jqm.engine.store.StoreException e) {
                // The database failed: the end is retried alone. (Had the statement been done and only its
                // answer lost, its claim is left RUNNING on this node, held by no runner: the heartbeat ends
                // it CRASHED once it is older than the dead-after time, see Store.crashLost.)
            }
        }
        if (!retrying.call(claim.id(), "end it " + end, () -> store.end(claim.id(), end, reason))) {
            alreadyEnded(claim, end);
        }
        return null;
    }

    private static void alreadyEnded(Claim claim, State end) {
        LOG.warn("Instance {} of {} finished {} but had already been ended (its node was thought dead, or was stopping)",
                claim.id(), claim.jobName(), end);
    }

    /** @return the URL of this node's simple API, as its HTTP runtime publishes it, or an empty string */
    private String simpleApiUrl() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null && refs.length > 0) {
                Object e = refs[0].getProperty("osgi.http.endpoint");
                String endpoint = e instanceof String[] a && a.length > 0 ? a[0] : e instanceof String str ? str : "";
                return endpoint.isEmpty() ? "" : (endpoint.endsWith("/") ? endpoint : endpoint + "/") + "ws/simple";
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            // no filter given
        }
        return "";
    }

    /**
     * Called when the node stops and its stop timeout is over: the instances still running are killed
     * and ended CRASHED, so that the node leaves none behind as RUNNING.
     */
    public void abandonRunning(int stopTimeoutSeconds) {
        for (Running r : List.copyOf(running.values())) {
            String reason = "The node " + node.name() + " stopped before the instance ended (stop timeout of "
                    + stopTimeoutSeconds + " s)";
            try {
                if (store.end(r.claim().id(), State.CRASHED, reason)) {
                    LOG.warn("Instance {} of {} ended CRASHED: {}", r.claim().id(), r.claim().jobName(), reason);
                }
                r.context().kill(reason);
                r.thread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Instance {} stays RUNNING in the database ({}); it will be marked CRASHED when the node restarts",
                        r.claim().id(), e.getMessage());
            }
        }
    }

    /** Registers the MBean of an instance that starts running here; the caller unregisters it when it ends. */
    private javax.management.ObjectName registerBean(Claim claim) {
        javax.management.ObjectName name = Beans.name("type", "Node.Queue.JobInstance", "Node", node.name(), "Queue",
                claim.queueName(), "name", Long.toString(claim.id()));
        long started = System.currentTimeMillis();
        Beans.register(name, new JobInstanceMBean() {
            @Override
            public long getId() {
                return claim.id();
            }

            @Override
            public String getApplicationName() {
                return claim.jobName();
            }

            @Override
            public String getUser() {
                return claim.user();
            }

            @Override
            public String getStartDate() {
                return java.time.Instant.ofEpochMilli(started).toString();
            }

            @Override
            public long getRunTimeSeconds() {
                return (System.currentTimeMillis() - started) / 1000;
            }

            @Override
            public Integer getProgress() {
                return store.get(claim.id()).map(jqm.api.client.JobInstance::getProgress).orElse(null);
            }

            @Override
            public void kill() {
                String reason = "Killed through JMX";
                if (store.requestKill(claim.id(), reason)) {
                    killIfRunningHere(claim.id(), reason);
                }
            }
        }, JobInstanceMBean.class);
        return name;
    }

    /** @return how many instances run here on the code of that payload bundle */
    public int runningFrom(Bundle bundle) {
        return (int) running.values().stream().filter(r -> bundle.equals(r.payload())).count();
    }

    /**
     * For instances that enqueue children: looked up when needed, not referenced, because the client
     * service refers to this runner, and a reference both ways makes a cycle when both start together.
     */
    private JqmClient client() {
        ServiceReference<JqmClient> ref = context.getServiceReference(JqmClient.class);
        JqmClient c = ref == null ? null : context.getService(ref);
        if (c == null) {
            throw new IllegalStateException("The JQM client service is not available on node " + node.name());
        }
        return c; // a singleton of this very bundle: released when the bundle stops
    }

    /** Kills an instance if it runs on this node: it is told, and its thread interrupted. */
    public void killIfRunningHere(long id, String reason) {
        Running r = running.get(id);
        if (r != null) {
            LOG.info("Killing instance {} of {}: {}", id, r.claim().jobName(), reason);
            r.context().kill(reason);
            r.thread().interrupt();
        }
    }

    /** Every second: kills instances past their maximum run time, and those someone asked to kill on another node. */
    private void watch() {
        if (running.isEmpty()) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            for (Running r : List.copyOf(running.values())) {
                if (now > r.deadline() && r.context().killReason() == null) {
                    String reason = "Killed: it ran longer than its maximum run time of " + r.claim().maxRunTimeSeconds()
                            + " s";
                    store.requestKill(r.claim().id(), reason);
                    killIfRunningHere(r.claim().id(), reason);
                }
            }
            store.killRequested(List.copyOf(running.keySet())).forEach((id, reason) -> {
                Running r = running.get(id);
                if (r != null && r.context().killReason() == null) {
                    killIfRunningHere(id, reason);
                }
            });
            if (watchFailing) {
                LOG.info("Kill requests are checked again");
                watchFailing = false;
            }
        } catch (RuntimeException e) {
            if (!watchFailing) {
                LOG.warn("Could not check the running instances for kill requests, retrying every second: {}", e.getMessage());
                watchFailing = true;
            }
        }
    }
}
