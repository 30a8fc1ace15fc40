package jqm.engine.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.PersistenceException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.client.JobInstance;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.api.client.State;
import jqm.engine.audit.Secrets;
import jqm.engine.model.AccountRecord;
import jqm.engine.model.DeliverableFile;
import jqm.engine.model.History;
import jqm.engine.model.Instance;
import jqm.engine.model.InstanceData;
import jqm.engine.model.InstanceMessage;
import jqm.engine.model.InstanceParameter;
import jqm.engine.model.JobDefParameter;
import jqm.engine.model.JobDefinition;
import jqm.engine.model.Node;
import jqm.engine.model.Queue;
import jqm.engine.model.QueueMapping;
import jqm.engine.schema.Schema;

/**
 * Every database read and write of the engine. Each public method is one transaction: it commits
 * entirely or changes nothing, and throws {@link StoreException} when the database fails.
 */
@Component(service = Store.class)
public class Store {
    /** The queue every new node is mapped to, created on the first start of a cluster. */
    public static final String DEFAULT_QUEUE = "DEFAULT";

    private final java.util.concurrent.atomic.AtomicLong lastPosition = new java.util.concurrent.atomic.AtomicLong();

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final EntityManagerFactory emf;

    /** On PostgreSQL: claims in one statement that skips rows other nodes are claiming. */
    private final boolean postgres;

    /** The pool, for the PostgreSQL hot path (one statement, auto-commit, no JPA); null in tests on the embedded database. */
    private final javax.sql.DataSource dataSource;
    /** How long the hot path waits for an answer of the database (ms, 0: forever). */
    private final int networkTimeoutMs;

    /**
     * How long a batch of enqueues may wait for the callers of the previous batch to come back (ns): under
     * a steady load of N callers, batches of N rather than alternating small ones (4 callers in the
     * benchmark: about 20% more enqueues, each costing the node and the database a third less CPU).
     */
    private static final long GATHER_NS = 200_000;

    /**
     * On PostgreSQL, the starts and ends of instances on this node's runner threads with the claims of
     * its pollers, and the new requests of concurrent callers: each batch one statement (starts, ends
     * and a claim together), so that under load one round trip and one commit serve many.
     */
    private final GroupCommit<Object, Object> steps = new GroupCommit<>(256,
            t -> direct("start, end or claim " + t.size() + " instance(s)", c -> PostgresSql.steps(c, t)));
    private final GroupCommit<PostgresSql.Request, Map.Entry<Long, String>> enqueues = new GroupCommit<>(64, GATHER_NS,
            requests -> direct("enqueue " + requests.size() + " instance(s)", c -> PostgresSql.enqueue(c, requests)));
    /** On PostgreSQL, notifies the queues of the instances enqueued here once committed; null on other databases. */
    private final SubmittedNotifier notifier;

    /**
     * @param schema only once the schema is at the changelog's version (nothing reads or writes a table before)
     */
    @Activate
    public Store(@Reference(target = "(osgi.unit.name=jqm)") EntityManagerFactory emf, @Reference Schema schema,
            @Reference(target = "(osgi.jndi.service.name=" + Database.NAME + ")") Map.Entry<Map<String, Object>, javax.sql.DataSource> pool) {
        this(emf, pool.getValue(), pool.getKey().get(Database.NETWORK_TIMEOUT) instanceof Number n ? n.intValue() : 0);
    }

    private Store(EntityManagerFactory emf, javax.sql.DataSource dataSource, int networkTimeoutMs) {
        this.emf = emf;
        this.dataSource = dataSource;
        this.networkTimeoutMs = networkTimeoutMs;
        this.postgres = tx("inspect the database",
                em -> jdbc(em, c -> "PostgreSQL".equals(c.getMetaData().getDatabaseProductName())));
        if (postgres) {
            if (dataSource == null) {
                throw new IllegalStateException("On PostgreSQL the store needs the connection pool");
            }
            LOG.info("Database: PostgreSQL; claims with FOR UPDATE SKIP LOCKED on the waiting-instance index, enqueues notified");
            notifier = new SubmittedNotifier(queues -> direct("notify new instances", c -> {
                PostgresSql.notify(c, queues);
                return null;
            }));
        } else {
            notifier = null;
        }
    }

    @Deactivate
    void deactivate() {
        if (notifier != null) {
            notifier.close();
        }
    }

    /** A store on the embedded database without the pool (tests outside OSGi). */
    public Store(EntityManagerFactory emf, Schema schema) {
        this(emf, null, 0);
    }

    /**
     * Runs one piece of JDBC work on its own, in auto-commit on a pooled connection (the PostgreSQL hot
     * path), waiting at most the network timeout for each answer of the database.
     */
    private <T> T direct(String what, JdbcWork<T> work) {
        try (java.sql.Connection c = dataSource.getConnection()) {
            if (networkTimeoutMs > 0) {
                c.setNetworkTimeout(Runnable::run, networkTimeoutMs); // the pool sets it back when the connection returns
            }
            return work.apply(c);
        } catch (java.sql.SQLException e) {
            throw failure(what, e);
        }
    }

    /** @return the failure to report of a piece of work on the database: a clear one when it did not answer in time */
    private StoreException failure(String what, Exception e) {
        if (timedOut(e)) {
            return new StoreException("The database did not answer within " + networkTimeoutMs + " ms (network.timeout.ms of "
                    + "conf/jqm.db.cfg) while trying to " + what + "; the connection is dropped, and whether the database did it "
                    + "is not known", e);
        }
        return new StoreException("Database failure while trying to " + what + ": " + rootMessage(e), e);
    }

    /** Work on the JDBC connection of the entity manager's transaction. */
    @FunctionalInterface
    private interface JdbcWork<T> {
        T apply(java.sql.Connection c) throws java.sql.SQLException;
    }

    private static <T> T jdbc(EntityManager em, JdbcWork<T> work) {
        java.sql.Connection c = (java.sql.Connection) org.apache.openjpa.persistence.OpenJPAPersistence.cast(em).getConnection();
        try {
            return work.apply(c);
        } catch (java.sql.SQLException e) {
            throw new PersistenceException(e.getMessage(), e);
        } finally {
            try {
                c.close(); // hands it back to the entity manager, which keeps it for the transaction
            } catch (java.sql.SQLException e) {
                LOG.debug("Closing a connection handle failed", e);
            }
        }
    }

    /**
     * How often the listening connection asks the database something (ns): lost by the network without
     * being told (a firewall dropping it, the database's host gone), it learns it then, within the
     * network timeout, and the listener connects again.
     */
    private static final long LISTENER_CHECK_NS = 10_000_000_000L;

    /**
     * On PostgreSQL, listens to the notifications of instances becoming SUBMITTED (on any node, or
     * written by any client) on a connection of its own, and hands each one's queue name over. Blocks
     * until {@code go} turns false (checked every second) or the connection fails.
     *
     * @param listening called once the connection listens
     * @throws StoreException when the connection cannot be opened or fails
     */
    public void listenSubmitted(java.util.function.Consumer<String> queue, java.util.function.BooleanSupplier go,
            Runnable listening) {
        EntityManager em = null;
        try {
            em = emf.createEntityManager();
            java.sql.Connection c = (java.sql.Connection) org.apache.openjpa.persistence.OpenJPAPersistence.cast(em).getConnection();
            try {
                c.setAutoCommit(true);
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("LISTEN " + PostgresSql.CHANNEL);
                }
                org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
                listening.run();
                long checked = System.nanoTime();
                while (go.getAsBoolean()) {
                    org.postgresql.PGNotification[] received = pg.getNotifications(1000);
                    if (received != null) {
                        java.util.Arrays.stream(received).map(org.postgresql.PGNotification::getParameter).distinct().forEach(queue);
                    }
                    if (System.nanoTime() - checked > LISTENER_CHECK_NS) {
                        // A connection that only waits would never learn that the network lost it without telling it.
                        try (java.sql.Statement st = c.createStatement()) {
                            st.execute("SELECT 1");
                        }
                        checked = System.nanoTime();
                    }
                }
            } finally {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("UNLISTEN *");
                } catch (java.sql.SQLException e) {
                    LOG.debug("UNLISTEN failed", e);
                }
                c.close();
            }
        } catch (java.sql.SQLException | PersistenceException e) {
            throw new StoreException("Database failure while listening to enqueues: " + rootMessage(e), e);
        } finally {
            if (em != null) {
                em.close();
            }
        }
    }

    /** @return whether the database is PostgreSQL (claims skip locked rows, enqueues are notified) */
    public boolean isPostgres() {
        return postgres;
    }

    /** Runs work in one transaction, committed when it returns, rolled back when it throws. */
    private <T> T tx(String what, Function<EntityManager, T> work) {
        EntityManager em = null;
        EntityTransaction tx = null;
        try {
            em = emf.createEntityManager();
            tx = em.getTransaction();
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (PersistenceException e) {
            rollback(tx);
            throw failure(what, e);
        } catch (RuntimeException e) {
            rollback(tx);
            throw e;
        } finally {
            if (em != null) {
                em.close();
            }
        }
    }

    private static void rollback(EntityTransaction tx) {
        try {
            if (tx != null && tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException e) {
            LOG.debug("Rollback failed", e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = rootCause(t);
        return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
    }

    /**
     * @return whether a failure comes from the network timeout: a {@link java.net.SocketTimeoutException}
     *         down its causes, going on at an SQL exception without one to the exception chained to it
     *         (OpenJPA reports the driver's exception as the next exception of its own, not as its cause)
     */
    private static boolean timedOut(Throwable t) {
        Throwable x = t;
        for (int depth = 0; x != null && depth < 50; depth++) {
            if (x instanceof java.net.SocketTimeoutException) {
                return true;
            }
            x = x.getCause() != null ? x.getCause() : x instanceof java.sql.SQLException sql ? sql.getNextException() : null;
        }
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    // ---------------------------------------------------------------- nodes and queues

    /**
     * Registers a node starting: creates its record on its first start, with a mapping to the
     * {@value #DEFAULT_QUEUE} queue (created if the cluster has none), and ends as CRASHED the
     * instances a previous life of the node left attributed or running.
     *
     * @return the ids of the instances found left behind and marked CRASHED
     */
    public List<Long> registerNode(String nodeName, int defaultSlots, long defaultPollingMs) {
        return tx("register node " + nodeName, em -> {
            Date now = new Date();
            List<Node> existing = em.createQuery("SELECT n FROM Node n WHERE n.name = :name", Node.class)
                    .setParameter("name", nodeName).getResultList();
            Node node;
            if (existing.isEmpty()) {
                node = new Node();
                node.setName(nodeName);
                em.persist(node);
                if (em.createQuery("SELECT q FROM Queue q WHERE q.name = :name", Queue.class)
                        .setParameter("name", DEFAULT_QUEUE).getResultList().isEmpty()) {
                    Queue q = new Queue();
                    q.setName(DEFAULT_QUEUE);
                    q.setDescription("The queue of job definitions that name no other");
                    em.persist(q);
                    LOG.info("Created queue {}", DEFAULT_QUEUE);
                }
                QueueMapping m = new QueueMapping();
                m.setNodeName(nodeName);
                m.setQueueName(DEFAULT_QUEUE);
                m.setMaxConcurrent(defaultSlots);
                m.setPollingIntervalMs(defaultPollingMs);
                em.persist(m);
                LOG.info("Created node {}, polling queue {} ({} slots, every {} ms)", nodeName, DEFAULT_QUEUE,
                        defaultSlots, defaultPollingMs);
            } else {
                node = existing.get(0);
            }
            node.setStartedAt(now);
            node.setHeartbeat(now);

            List<Instance> leftBehind = em.createQuery(
                    "SELECT i FROM Instance i WHERE i.nodeName = :node AND i.state IN (:a, :r) ORDER BY i.id",
                    Instance.class).setParameter("node", nodeName).setParameter("a", State.ATTRIBUTED)
                    .setParameter("r", State.RUNNING).getResultList();
            List<Long> ids = new ArrayList<>();
            for (Instance i : leftBehind) {
                end(em, i, State.CRASHED, "The node " + nodeName + " stopped while this instance was "
                        + i.getState() + "; marked CRASHED when the node restarted", now);
                ids.add(i.getId());
            }
            return ids;
        });
    }

    /** Records that a node is alive now. */
    public void heartbeat(String nodeName) {
        tx("record the heartbeat of node " + nodeName, em -> em
                .createQuery("UPDATE Node n SET n.heartbeat = :now WHERE n.name = :name").setParameter("now", new Date())
                .setParameter("name", nodeName).executeUpdate());
    }

    /**
     * Ends as CRASHED the attributed and running instances of nodes silent since the limit. Each
     * instance is first switched by a conditional update, so that when several live nodes look at
     * once, each instance is ended by exactly one.
     *
     * @return the ids of the instances this call ended
     */
    public List<Long> crashInstancesOfDeadNodes(Date limit, String liveNode) {
        return tx("end the instances of dead nodes", em -> {
            List<Long> ended = new ArrayList<>();
            List<Node> dead = em.createQuery("SELECT n FROM Node n WHERE n.heartbeat < :limit AND n.name <> :me", Node.class)
                    .setParameter("limit", limit).setParameter("me", liveNode).getResultList();
            Date now = new Date();
            for (Node n : dead) {
                for (Long id : em.createQuery("SELECT i.id FROM Instance i WHERE i.nodeName = :n AND i.state IN :active",
                        Long.class).setParameter("n", n.getName()).setParameter("active", ACTIVE).getResultList()) {
                    if (crash(em, id, n.getName(), "The node " + n.getName() + " running this instance stopped sending heartbeats at "
                            + n.getHeartbeat().toInstant() + "; marked CRASHED by node " + liveNode, now)) {
                        ended.add(id);
                    }
                }
            }
            return ended;
        });
    }

    /**
     * Ends CRASHED the instances claimed for a live node before a given date that none of its runners
     * holds: a claim whose statement was committed but whose answer never reached the node (its
     * database connection failed at that moment), or an instance whose runner failed outside of its
     * payload. Nothing would run or end them until the node restarts; this ends them as that restart
     * would, with the reason.
     *
     * @param held whether a runner of the node holds an instance (asked after reading the candidates)
     * @return the instances ended
     */
    public List<Long> crashLost(String nodeName, Date claimedBefore, java.util.function.LongPredicate held) {
        return tx("end the instances node " + nodeName + " lost track of", em -> {
            List<Long> ended = new ArrayList<>();
            Date now = new Date();
            for (Object[] row : em.createQuery("SELECT i.id, i.attributionDate FROM Instance i WHERE i.state IN :active "
                    + "AND i.nodeName = :n AND i.attributionDate < :before", Object[].class).setParameter("active", ACTIVE)
                    .setParameter("n", nodeName).setParameter("before", claimedBefore).getResultList()) {
                long id = (Long) row[0];
                if (held.test(id)) {
                    continue;
                }
                if (crash(em, id, nodeName, "Node " + nodeName + " claimed this instance at " + ((Date) row[1]).toInstant()
                        + " but none of its runners had it (the claim's answer or the instance's end was lost, a database connection "
                        + "failing at that moment); marked CRASHED, as a restart of the node would", now)) {
                    ended.add(id);
                }
            }
            return ended;
        });
    }

    /**
     * Ends CRASHED, with the reason, an instance still attributed to or running on a node: a
     * conditional update, so that of several callers (live nodes) exactly one ends it.
     *
     * @return whether this call ended it
     */
    private static boolean crash(EntityManager em, long id, String nodeName, String reason, Date now) {
        int won = em.createQuery("UPDATE Instance i SET i.state = :c WHERE i.id = :id AND i.state IN :active AND i.nodeName = :n")
                .setParameter("c", State.CRASHED).setParameter("id", id).setParameter("active", ACTIVE).setParameter("n", nodeName)
                .executeUpdate();
        if (won == 1) {
            end(em, em.find(Instance.class, id), State.CRASHED, reason, now);
        }
        return won == 1;
    }

    /** @return the enabled queue mappings of a node */
    public List<QueueMapping> mappingsOf(String nodeName) {
        return tx("read the queue mappings of node " + nodeName, em -> em
                .createQuery("SELECT m FROM QueueMapping m WHERE m.nodeName = :node AND m.enabled = TRUE ORDER BY m.queueName",
                        QueueMapping.class)
                .setParameter("node", nodeName).getResultList());
    }

    /**
     * Declares a queue (created if the cluster does not have it) and this node's mapping to it,
     * created or changed to the given slots, interval and enabled flag.
     *
     * @return whether anything changed
     */
    public boolean declareQueue(String queueName, String description, String nodeName, int slots, long intervalMs,
            boolean enabled) {
        return tx("declare queue " + queueName, em -> {
            boolean changed = false;
            List<Queue> queues = em.createQuery("SELECT q FROM Queue q WHERE q.name = :name", Queue.class)
                    .setParameter("name", queueName).getResultList();
            Queue q = queues.isEmpty() ? new Queue() : queues.get(0);
            if (queues.isEmpty()) {
                q.setName(queueName);
                em.persist(q);
                changed = true;
            }
            if (description != null && !description.isBlank() && !description.equals(q.getDescription())) {
                q.setDescription(description);
                changed = true;
            }
            List<QueueMapping> mappings = em.createQuery(
                    "SELECT m FROM QueueMapping m WHERE m.nodeName = :node AND m.queueName = :q", QueueMapping.class)
                    .setParameter("node", nodeName).setParameter("q", queueName).getResultList();
            QueueMapping m = mappings.isEmpty() ? new QueueMapping() : mappings.get(0);
            if (mappings.isEmpty()) {
                m.setNodeName(nodeName);
                m.setQueueName(queueName);
                em.persist(m);
                changed = true;
            }
            changed |= m.getMaxConcurrent() != slots || m.getPollingIntervalMs() != intervalMs || m.isEnabled() != enabled;
            m.setMaxConcurrent(slots);
            m.setPollingIntervalMs(intervalMs);
            m.setEnabled(enabled);
            return changed;
        });
    }

    /** Removes a node's mapping to a queue; the queue and its instances stay. */
    public void removeMapping(String nodeName, String queueName) {
        tx("remove the mapping of node " + nodeName + " to queue " + queueName, em -> em
                .createQuery("DELETE FROM QueueMapping m WHERE m.nodeName = :node AND m.queueName = :q")
                .setParameter("node", nodeName).setParameter("q", queueName).executeUpdate());
    }

    /** @return the queues of the cluster, by name */
    public List<jqm.api.client.Queue> queues() {
        return tx("list queues", em -> em.createQuery("SELECT q FROM Queue q ORDER BY q.name", Queue.class).getResultList()
                .stream().map(q -> {
                    jqm.api.client.Queue dto = new jqm.api.client.Queue();
                    dto.setId(q.getId());
                    dto.setName(q.getName());
                    dto.setDescription(q.getDescription());
                    dto.setDefaultQueue(DEFAULT_QUEUE.equals(q.getName()));
                    return dto;
                }).toList());
    }

    // ---------------------------------------------------------------- accounts

    /** @return the account of that name, if any */
    public Optional<AccountRecord> account(String name) {
        return tx("read account " + name, em -> Optional.ofNullable(em.find(AccountRecord.class, name)));
    }

    /** @return every account, by name */
    public List<AccountRecord> accounts() {
        return tx("list accounts",
                em -> em.createQuery("SELECT a FROM AccountRecord a ORDER BY a.name", AccountRecord.class).getResultList());
    }

    /**
     * Creates an account.
     *
     * @return false when an account of that name exists already (nothing changed)
     */
    public boolean createAccount(AccountRecord a) {
        return tx("create account " + a.getName(), em -> {
            if (em.find(AccountRecord.class, a.getName()) != null) {
                return false;
            }
            em.persist(a);
            return true;
        });
    }

    /**
     * Changes an account.
     *
     * @return false when there is no account of that name
     */
    public boolean updateAccount(String name, java.util.function.Consumer<AccountRecord> change) {
        return tx("change account " + name, em -> {
            AccountRecord a = em.find(AccountRecord.class, name);
            if (a == null) {
                return false;
            }
            change.accept(a);
            return true;
        });
    }

    // ---------------------------------------------------------------- job definitions

    /**
     * Creates or updates the job definition a payload bundle declares. When a configuration file
     * declares the same definition, the file's values stay and only the providing bundle is recorded.
     */
    public void declareJobDefinition(JobDefSpec spec) {
        tx("declare job definition " + spec.name(), em -> {
            Optional<JobDefinition> existing = findJobDefinition(em, spec.name());
            JobDefinition jd = existing.orElseGet(JobDefinition::new);
            if (existing.isEmpty()) {
                jd.setName(spec.name());
                em.persist(jd);
            }
            jd.setKind(JobDefinition.Kind.BUNDLE);
            jd.setDeclaredBy(spec.declaredBy());
            jd.setDeclaredAt(new Date());
            if (!jd.isConfigured()) {
                apply(em, jd, spec);
            }
            return null;
        });
    }

    /**
     * Declares a job definition from a configuration file: a shell definition when it has a command,
     * otherwise the override of a payload bundle's definition (which may be deployed later).
     */
    public void configureJobDefinition(JobDefSpec spec) {
        tx("configure job definition " + spec.name(), em -> {
            Optional<JobDefinition> existing = findJobDefinition(em, spec.name());
            JobDefinition jd = existing.orElseGet(JobDefinition::new);
            if (existing.isEmpty()) {
                jd.setName(spec.name());
                jd.setKind(JobDefinition.Kind.BUNDLE);
                em.persist(jd);
            }
            if (spec.command() != null) {
                jd.setKind(JobDefinition.Kind.SHELL);
                jd.setDeclaredBy(spec.declaredBy());
                jd.setDeclaredAt(new Date());
            } else if (jd.getDeclaredBy() == null) {
                jd.setDeclaredBy(spec.declaredBy());
            }
            jd.setConfigured(true);
            apply(em, jd, spec);
            return null;
        });
    }

    /**
     * Forgets what a configuration file said of a job definition: a shell definition is removed, a
     * payload bundle's goes back to what its bundle declares (the caller has it declare again).
     *
     * @return whether the definition is a payload bundle's (to be declared again)
     */
    public boolean unconfigureJobDefinition(String name) {
        return tx("forget the configuration of job definition " + name, em -> {
            Optional<JobDefinition> existing = findJobDefinition(em, name);
            if (existing.isEmpty()) {
                return false;
            }
            JobDefinition jd = existing.get();
            if (jd.getKind() == JobDefinition.Kind.SHELL) {
                em.createQuery("DELETE FROM JobDefParameter p WHERE p.jobName = :n").setParameter("n", name).executeUpdate();
                em.remove(jd);
                return false;
            }
            jd.setConfigured(false);
            return true;
        });
    }

    private static void apply(EntityManager em, JobDefinition jd, JobDefSpec spec) {
        jd.setDescription(spec.description());
        jd.setDefaultQueue(spec.queue() == null ? DEFAULT_QUEUE : spec.queue());
        jd.setCommand(spec.command());
        jd.setMaxRunTimeSeconds(spec.maxRunTimeSeconds());
        jd.setHighlander(spec.highlander());
        jd.setApplication(spec.application());
        jd.setModule(spec.module());
        jd.setKeyword1(spec.keyword1());
        jd.setKeyword2(spec.keyword2());
        jd.setKeyword3(spec.keyword3());
        jd.setSecretParameters(spec.secretParameters() == null || spec.secretParameters().isEmpty() ? null
                : String.join(",", new java.util.TreeSet<>(spec.secretParameters())));
        em.createQuery("DELETE FROM JobDefParameter p WHERE p.jobName = :n").setParameter("n", jd.getName()).executeUpdate();
        spec.parameters().forEach((k, v) -> em.persist(JobDefParameter.of(jd.getName(), k, v)));
    }

    private static Map<String, String> defaultParameters(EntityManager em, String jobName) {
        Map<String, String> result = new LinkedHashMap<>();
        for (JobDefParameter p : em.createQuery("SELECT p FROM JobDefParameter p WHERE p.jobName = :n ORDER BY p.id",
                JobDefParameter.class).setParameter("n", jobName).getResultList()) {
            result.put(p.getName(), p.getValue());
        }
        return result;
    }

    private static Optional<JobDefinition> findJobDefinition(EntityManager em, String name) {
        return em.createQuery("SELECT j FROM JobDefinition j WHERE j.name = :name", JobDefinition.class)
                .setParameter("name", name).getResultList().stream().findFirst();
    }

    // ---------------------------------------------------------------- instances

    /**
     * Creates a waiting instance with its parameters. A new request is checked and completed in the
     * same transaction: its job definition must exist, its queue (the definition's when it names none)
     * too, and the definition's default parameters fill in what the request does not give.
     *
     * @param data the instance's fields; its enqueue date is set here, and its state when it has none
     *        (SUBMITTED)
     * @return the new instance's id
     */
    public long enqueue(Instance data, Map<String, String> parameters, boolean newRequest) {
        if (postgres && newRequest) {
            Map.Entry<Long, String> done = enqueues.submit(new PostgresSql.Request(data, parameters, nextPosition()));
            if (done != null) {
                data.setQueueName(done.getValue());
                notifySubmitted(data);
                return done.getKey();
            }
            // unknown definition or queue (the portable path says which), or a highlander
        }
        long id = tx("enqueue a " + data.getJobName() + " instance", em -> {
            Optional<JobDefinition> jd = findJobDefinition(em, data.getJobName());
            Map<String, String> params = new LinkedHashMap<>(parameters);
            if (newRequest) {
                // One transaction for the whole request: the definition, its queue and its defaults.
                if (jd.isEmpty()) {
                    List<String> known = em.createQuery("SELECT j.name FROM JobDefinition j ORDER BY j.name", String.class)
                            .getResultList();
                    throw new JqmInvalidRequestException("There is no job definition named '" + data.getJobName() + "'"
                            + (known.isEmpty() ? " (no job definition is deployed)"
                                    : "; known job definitions: " + String.join(", ", known)));
                }
                if (data.getQueueName() == null) {
                    data.setQueueName(jd.get().getDefaultQueue());
                }
                Map<String, String> effective = defaultParameters(em, jd.get().getName());
                effective.putAll(params);
                params.clear();
                params.putAll(effective);
            }
            if (em.createQuery("SELECT q.id FROM Queue q WHERE q.name = :name").setParameter("name", data.getQueueName())
                    .getResultList().isEmpty()) {
                throw new JqmInvalidRequestException("There is no queue named '" + data.getQueueName() + "'");
            }
            if (jd.isPresent() && jd.get().isHighlander()) {
                // Lock the definition: concurrent requests for it line up here, and the first one's instance is found.
                em.find(JobDefinition.class, jd.get().getId(), javax.persistence.LockModeType.PESSIMISTIC_WRITE);
                List<Long> waiting = em.createQuery(
                        "SELECT i.id FROM Instance i WHERE i.jobName = :n AND i.state = :s ORDER BY i.id", Long.class)
                        .setParameter("n", data.getJobName()).setParameter("s", State.SUBMITTED).getResultList();
                if (!waiting.isEmpty()) {
                    return waiting.get(0);
                }
            }
            if (data.getState() == null) {
                data.setState(State.SUBMITTED);
            }
            data.setEnqueueDate(new Date());
            data.setPosition(nextPosition());
            em.persist(data);
            em.flush();
            long created = data.getId();
            params.forEach((k, v) -> em.persist(InstanceParameter.of(created, k, v)));
            return created;
        });
        notifySubmitted(data);
        return id;
    }

    /** On PostgreSQL, has a committed new instance's queue notified to every node when it waits there. */
    private void notifySubmitted(Instance data) {
        if (notifier != null && (data.getState() == null || data.getState() == State.SUBMITTED)) {
            notifier.submitted(data.getQueueName());
        }
    }

    /**
     * Claims for a node up to {@code max} waiting instances of a queue, highest priority first, then
     * oldest. Safe when several pollers or nodes race: an instance is claimed by exactly one, since
     * the claim is a conditional update that only one transaction can win.
     *
     * @return the claimed instances, now ATTRIBUTED to the node
     */
    public List<Claim> claim(String queueName, String nodeName, int max) {
        if (max <= 0) {
            return List.of();
        }
        if (postgres) {
            @SuppressWarnings("unchecked")
            List<Claim> claims = (List<Claim>) steps.submit(new PostgresSql.ClaimRequest(queueName, nodeName, max));
            return claims;
        }
        return tx("claim instances of queue " + queueName, em -> {
            em.createQuery("UPDATE Instance i SET i.state = :submitted WHERE i.queueName = :q AND i.state = :scheduled "
                    + "AND i.runAfter <= :now").setParameter("submitted", State.SUBMITTED).setParameter("q", queueName)
                    .setParameter("scheduled", State.SCHEDULED).setParameter("now", new Date()).executeUpdate();
            List<Long> won = claimPortable(em, queueName, nodeName, max);
            if (won.isEmpty()) {
                return List.of();
            }
            return claimed(em, won);
        });
    }

    /** The portable claim: candidates first, then one conditional update each (only one transaction wins a row). */
    private static List<Long> claimPortable(EntityManager em, String queueName, String nodeName, int max) {
        List<Long> candidates = em.createQuery(
                "SELECT i.id FROM Instance i WHERE i.queueName = :q AND i.state = :s AND NOT EXISTS ("
                        + "SELECT d.id FROM JobDefinition d, Instance r WHERE d.name = i.jobName AND d.highlander = TRUE "
                        + "AND r.jobName = i.jobName AND r.state IN :active) ORDER BY i.priority DESC, i.position, i.id",
                Long.class).setParameter("q", queueName).setParameter("s", State.SUBMITTED).setParameter("active", ACTIVE)
                .setMaxResults(max).getResultList();
        if (candidates.isEmpty()) {
            return List.of();
        }
        Date now = new Date();
        List<Long> won = new ArrayList<>();
        for (Long id : candidates) {
            int updated = em.createQuery("UPDATE Instance i SET i.state = :a, i.nodeName = :node, "
                    + "i.attributionDate = :now WHERE i.id = :id AND i.state = :s")
                    .setParameter("a", State.ATTRIBUTED).setParameter("node", nodeName).setParameter("now", now)
                    .setParameter("id", id).setParameter("s", State.SUBMITTED).executeUpdate();
            if (updated == 1) {
                won.add(id);
            }
        }
        return won;
    }

    /** @return what the runner needs of the claimed instances, in the order they were claimed */
    private List<Claim> claimed(EntityManager em, List<Long> won) {
        em.clear();
        Map<Long, Map<String, String>> params = parametersOf(em, won);
        List<Instance> instances = em.createQuery(
                "SELECT i FROM Instance i WHERE i.id IN :ids ORDER BY i.priority DESC, i.position, i.id", Instance.class)
                .setParameter("ids", won).getResultList();
        Map<String, JobDefinition> defs = new LinkedHashMap<>();
        for (JobDefinition d : em.createQuery("SELECT j FROM JobDefinition j WHERE j.name IN :names", JobDefinition.class)
                .setParameter("names", instances.stream().map(Instance::getJobName).distinct().toList()).getResultList()) {
            defs.put(d.getName(), d);
        }
        List<Claim> claims = new ArrayList<>();
        for (Instance i : instances) {
            JobDefinition d = defs.get(i.getJobName());
            claims.add(new Claim(i.getId(), i.getJobName(), i.getQueueName(), params.getOrDefault(i.getId(), Map.of()),
                    d == null ? null : d.getMaxRunTimeSeconds(), d == null || d.getKind() == null ? null : d.getKind().name(),
                    d == null ? null : d.getCommand(), i.getParentId(), i.getUsername(), false));
        }
        return claims;
    }

    /**
     * Marks an attributed instance RUNNING, with its start date.
     *
     * @return the reason of a kill requested since it was claimed, or {@code null} when it may run
     */
    public String markRunning(long id) {
        if (postgres) {
            return (String) steps.submit(PostgresSql.Transition.start(id));
        }
        return tx("mark instance " + id + " running", em -> {
            Instance i = em.find(Instance.class, id);
            if (i == null) {
                return "it is no longer in the database";
            }
            if (i.isKillRequested()) {
                return i.getKillReason();
            }
            i.setState(State.RUNNING);
            i.setStartDate(new Date());
            return null;
        });
    }

    /** @return the ids, among the given ones, of instances someone asked to kill, with the reason */
    public Map<Long, String> killRequested(List<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return tx("read kill requests", em -> {
            Map<Long, String> result = new LinkedHashMap<>();
            for (Object[] row : em.createQuery(
                    "SELECT i.id, i.killReason FROM Instance i WHERE i.id IN :ids AND i.killRequested = TRUE", Object[].class)
                    .setParameter("ids", ids).getResultList()) {
                result.put((Long) row[0], (String) row[1]);
            }
            return result;
        });
    }

    /** Records the progress of a running instance. */
    public void setProgress(long id, int progress) {
        tx("record the progress of instance " + id, em -> {
            Instance i = em.find(Instance.class, id);
            if (i != null) {
                i.setProgress(progress);
            }
            return null;
        });
    }

    /** Adds a message to an instance. */
    public void addMessage(long id, String text) {
        tx("record a message of instance " + id, em -> {
            em.persist(InstanceMessage.of(id, text, new Date()));
            return null;
        });
    }

    /**
     * Ends an instance: moves it from the waiting and running table to history with its final state,
     * and records the reason as its last message when there is one.
     *
     * @return whether the instance was found (an instance already ended is left as it is)
     */
    public boolean end(long id, State finalState, String reason) {
        if (postgres && reason == null && finalState.isFinal()) {
            return (Boolean) steps.submit(PostgresSql.Transition.end(id, finalState.name()));
        }
        return tx("end instance " + id, em -> {
            Instance i = em.find(Instance.class, id);
            return i != null && end(em, i, finalState, reason, new Date());
        });
    }

    /**
     * Ends an instance as {@link #end} does (an end without a reason), and claims for the node the next
     * waiting instance of a queue, so that the runner that ended one runs the next at once: that
     * claim makes it RUNNING straight away ({@link Claim#started()}), there being no hand-over. On
     * PostgreSQL both go in one statement, with the starts and ends of other runners; elsewhere
     * nothing is claimed (the queue's poller claims as usual).
     */
    public Ended endAndClaim(long id, State finalState, String queueName, String nodeName) {
        if (postgres && finalState.isFinal()) {
            return (Ended) steps.submit(new PostgresSql.EndAndClaim(id, finalState.name(), queueName, nodeName));
        }
        return new Ended(end(id, finalState, null), null);
    }

    /**
     * Moves an instance to history. The delete of the live row is what decides: when two transactions
     * end the same instance at once (its runner and a stopping node, two live nodes), the second
     * deletes nothing and changes nothing.
     *
     * @return whether this call ended it
     */
    private static boolean end(EntityManager em, Instance i, State finalState, String reason, Date now) {
        if (!finalState.isFinal()) {
            throw new IllegalArgumentException(finalState + " is not a final state");
        }
        em.detach(i);
        if (em.createQuery("DELETE FROM Instance x WHERE x.id = :id").setParameter("id", i.getId()).executeUpdate() == 0) {
            return false;
        }
        if (reason != null) {
            em.persist(InstanceMessage.of(i.getId(), reason, now));
        }
        em.persist(History.of(i, finalState, now));
        return true;
    }

    // ---------------------------------------------------------------- operations on one instance

    private static final List<State> WAITING = List.of(State.SUBMITTED, State.HOLDED, State.SCHEDULED);
    private static final List<State> ACTIVE = List.of(State.ATTRIBUTED, State.RUNNING);

    /**
     * Applies a conditional update to one instance; when it matches nothing, says why in an
     * exception the caller can show: no such instance, or its state does not allow the operation.
     */
    private static void transition(EntityManager em, long id, String jpql, List<State> allowed, String what,
            Object... params) {
        javax.persistence.Query q = em.createQuery(jpql).setParameter("id", id).setParameter("allowed", allowed);
        for (int k = 0; k < params.length; k += 2) {
            q.setParameter((String) params[k], params[k + 1]);
        }
        if (q.executeUpdate() == 0) {
            throw refusal(em, id, allowed, what);
        }
    }

    private static RuntimeException refusal(EntityManager em, long id, List<State> allowed, String what) {
        State current = currentState(em, id);
        if (current == null) {
            return new NoSuchJobInstanceException(id);
        }
        String hint = ACTIVE.contains(current) ? " (kill it instead)" : current.isFinal() ? " (it has ended)" : "";
        return new JqmInvalidRequestException("Cannot " + what + " instance " + id + ": it is " + current + hint
                + "; only an instance that is " + allowed.stream().map(Enum::name).collect(Collectors.joining(" or ")) + " can be");
    }

    private static State currentState(EntityManager em, long id) {
        InstanceData d = em.find(Instance.class, id);
        if (d == null) {
            d = em.find(History.class, id);
        }
        return d == null ? null : d.getState();
    }

    /** Cancels a waiting instance: it goes to history as CANCELLED with the reason. */
    public void cancel(long id, String reason) {
        tx("cancel instance " + id, em -> {
            transition(em, id, "UPDATE Instance i SET i.state = :s WHERE i.id = :id AND i.state IN :allowed", WAITING,
                    "cancel", "s", State.CANCELLED);
            end(em, em.find(Instance.class, id), State.CANCELLED, reason, new Date());
            return null;
        });
    }

    /** Deletes a waiting instance and its parameters; nothing is kept. */
    public void delete(long id) {
        tx("delete instance " + id, em -> {
            transition(em, id, "DELETE FROM Instance i WHERE i.id = :id AND i.state IN :allowed", WAITING, "delete");
            em.createQuery("DELETE FROM InstanceParameter p WHERE p.instanceId = :id").setParameter("id", id).executeUpdate();
            em.createQuery("DELETE FROM InstanceMessage m WHERE m.instanceId = :id").setParameter("id", id).executeUpdate();
            return null;
        });
    }

    /** Holds (SUBMITTED to HOLDED) or releases (HOLDED to SUBMITTED) a waiting instance. */
    public void hold(long id, boolean hold) {
        tx((hold ? "pause" : "resume") + " instance " + id, em -> {
            transition(em, id, "UPDATE Instance i SET i.state = :s WHERE i.id = :id AND i.state IN :allowed",
                    List.of(hold ? State.SUBMITTED : State.HOLDED), hold ? "pause" : "resume", "s",
                    hold ? State.HOLDED : State.SUBMITTED);
            return null;
        });
    }

    /** Moves a waiting instance to another queue, which must exist. */
    public void moveTo(long id, String queueName) {
        tx("move instance " + id + " to queue " + queueName, em -> {
            if (em.createQuery("SELECT q.id FROM Queue q WHERE q.name = :name").setParameter("name", queueName).getResultList()
                    .isEmpty()) {
                throw new JqmInvalidRequestException("There is no queue named '" + queueName + "'");
            }
            transition(em, id, "UPDATE Instance i SET i.queueName = :q WHERE i.id = :id AND i.state IN :allowed", WAITING,
                    "move", "q", queueName);
            return null;
        });
    }

    /** Changes the priority of a waiting instance. */
    /** @return a position after every one given before by this node, close to the time in microseconds */
    private long nextPosition() {
        long now = System.currentTimeMillis() * 1000;
        return lastPosition.updateAndGet(last -> Math.max(last + 1, now));
    }

    /**
     * Moves a waiting instance to a place among the waiting instances of its queue that have its
     * priority: 1 is the first to run.
     *
     * @return the place it got (the last place when {@code place} is beyond the end)
     */
    public int setPosition(long id, int place) {
        return tx("move instance " + id + " to position " + place, em -> {
            Instance target = em.find(Instance.class, id, javax.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (target == null || !WAITING.contains(target.getState())) {
                throw refusal(em, id, WAITING, "move");
            }
            List<Instance> line = new ArrayList<>(em.createQuery("SELECT i FROM Instance i WHERE i.queueName = :q AND i.priority = :p "
                    + "AND i.state IN :waiting AND i.id <> :id ORDER BY i.position, i.id", Instance.class)
                    .setParameter("q", target.getQueueName()).setParameter("p", target.getPriority())
                    .setParameter("waiting", WAITING).setParameter("id", id).getResultList());
            int index = Math.min(Math.max(place, 1), line.size() + 1) - 1;
            line.add(index, target);
            // Renumbered from the smallest position of the line: the order of those moved keeps
            // before any later enqueue, whose position is the current time.
            long first = line.stream().mapToLong(Instance::getPosition).min().orElse(0);
            for (int k = 0; k < line.size(); k++) {
                if (line.get(k).getPosition() != first + k) {
                    line.get(k).setPosition(first + k);
                }
            }
            return index + 1;
        });
    }

    public void setPriority(long id, int priority) {
        tx("change the priority of instance " + id, em -> {
            transition(em, id, "UPDATE Instance i SET i.priority = :p WHERE i.id = :id AND i.state IN :allowed", WAITING,
                    "change the priority of", "p", priority);
            return null;
        });
    }

    /**
     * Asks to kill an instance: a waiting one is cancelled at once; an attributed or running one is
     * flagged, and the node running it acts on the flag.
     *
     * @return whether the instance was running (false: it was waiting and is now cancelled)
     */
    public boolean requestKill(long id, String reason) {
        return tx("kill instance " + id, em -> {
            int flagged = em.createQuery("UPDATE Instance i SET i.killRequested = TRUE, i.killReason = :r "
                    + "WHERE i.id = :id AND i.state IN :active").setParameter("r", reason).setParameter("id", id)
                    .setParameter("active", ACTIVE).executeUpdate();
            if (flagged == 1) {
                return true;
            }
            List<State> all = new ArrayList<>(WAITING);
            all.addAll(ACTIVE);
            transition(em, id, "UPDATE Instance i SET i.state = :s WHERE i.id = :id AND i.state IN :allowed", all, "kill",
                    "s", State.CANCELLED);
            end(em, em.find(Instance.class, id), State.CANCELLED, reason + " while it was waiting", new Date());
            return false;
        });
    }

    /**
     * Reads an ended instance to enqueue it again.
     *
     * @param allowed the final states the instance may have
     * @return a new instance with its fields (state unset), and its parameters
     */
    public Map.Entry<Instance, Map<String, String>> copyOfEnded(long id, List<State> allowed, String what) {
        return tx("read instance " + id, em -> {
            History h = em.find(History.class, id);
            if (h == null || !allowed.contains(h.getState())) {
                throw refusal(em, id, allowed, what);
            }
            Instance copy = Instance.copyOf(h);
            return Map.entry(copy, parametersOf(em, List.of(id)).getOrDefault(id, Map.of()));
        });
    }

    /** Records a deliverable of an instance. */
    public void addDeliverable(DeliverableFile d) {
        tx("record a deliverable of instance " + d.getInstanceId(), em -> {
            em.persist(d);
            return null;
        });
    }

    /** @return the deliverables of an instance, oldest first */
    public List<jqm.api.client.Deliverable> deliverables(long id) {
        return tx("read the deliverables of instance " + id, em -> {
            if (currentState(em, id) == null) {
                throw new NoSuchJobInstanceException(id);
            }
            return em.createQuery("SELECT d FROM DeliverableFile d WHERE d.instanceId = :id ORDER BY d.createdAt, d.id",
                    DeliverableFile.class).setParameter("id", id).getResultList().stream().map(Dtos::deliverable).toList();
        });
    }

    /** @return the deliverable of that random id, if any */
    public Optional<DeliverableFile> deliverable(String randomId) {
        return tx("read deliverable", em -> Optional.ofNullable(em.find(DeliverableFile.class, randomId)));
    }

    /** @return the description of the deliverable of that random id, if any */
    public Optional<jqm.api.client.Deliverable> deliverableInfo(String randomId) {
        return tx("read deliverable", em -> Optional.ofNullable(em.find(DeliverableFile.class, randomId)).map(Dtos::deliverable));
    }

    /** @return whether an instance of that id exists, waiting, running or ended */
    public boolean exists(long id) {
        return tx("read instance " + id, em -> currentState(em, id) != null);
    }

    /** @return the messages of an instance, oldest first */
    public List<String> messages(long id) {
        return tx("read the messages of instance " + id, em -> {
            if (currentState(em, id) == null) {
                throw new NoSuchJobInstanceException(id);
            }
            return messagesOf(em, List.of(id)).getOrDefault(id, List.of());
        });
    }

    /** Searches instances, live and ended as asked, and fills the query with a page and the count. */
    public jqm.api.client.Query query(jqm.api.client.Query q) {
        return tx("search instances", em -> {
            InstanceSearch search = new InstanceSearch(q);
            List<InstanceData> rows = new ArrayList<>();
            long total = 0;
            int wanted = q.getFirstRow() + q.getPageSize();
            if (q.isQueryLiveInstances() && search.canMatchLive()) {
                total += search.count(em, "Instance");
                rows.addAll(search.rows(em, "Instance", Instance.class, wanted));
            }
            if (q.isQueryHistoryInstances()) {
                total += search.count(em, "History");
                rows.addAll(search.rows(em, "History", History.class, wanted));
            }
            rows.sort(search.order());
            List<InstanceData> page = rows.subList(Math.min(q.getFirstRow(), rows.size()), Math.min(wanted, rows.size()));
            List<Long> ids = page.stream().map(InstanceData::getId).toList();
            Map<Long, Map<String, String>> params = parametersOf(em, ids);
            Map<Long, List<String>> messages = messagesOf(em, ids);
            q.setInstances(new ArrayList<>(masked(em, page.stream().map(d -> Dtos.instance(d, params, messages)).toList())));
            q.setResultSize(total);
            return q;
        });
    }

    /** @return the job definitions of the cluster, by name */
    public List<jqm.api.client.JobDef> jobDefinitions() {
        return tx("list job definitions", em -> em.createQuery("SELECT j FROM JobDefinition j ORDER BY j.name",
                JobDefinition.class).getResultList().stream().map(d -> {
                    jqm.api.client.JobDef dto = Dtos.jobDef(d);
                    Set<String> secret = secretNames(d);
                    Map<String, String> defaults = new LinkedHashMap<>();
                    defaultParameters(em, d.getName()).forEach((k, v) -> defaults.put(k,
                            secret.contains(k) || Secrets.isSecret(k) ? Secrets.MASK : v));
                    dto.setParameters(defaults);
                    return dto;
                }).toList());
    }

    /** @return a snapshot of the instance, waiting, running or in history */
    public Optional<JobInstance> get(long id) {
        return tx("read instance " + id, em -> {
            InstanceData data = em.find(Instance.class, id);
            if (data == null) {
                data = em.find(History.class, id);
            }
            if (data == null) {
                return Optional.empty();
            }
            List<Long> ids = List.of(id);
            return Optional.of(masked(em, List.of(Dtos.instance(data, parametersOf(em, ids), messagesOf(em, ids)))).get(0));
        });
    }

    /** @return the most recent instances, waiting, running and ended, newest first */
    public List<JobInstance> recent(int limit) {
        return tx("list recent instances", em -> {
            List<InstanceData> all = new ArrayList<>();
            all.addAll(em.createQuery("SELECT i FROM Instance i ORDER BY i.id DESC", Instance.class)
                    .setMaxResults(limit).getResultList());
            all.addAll(em.createQuery("SELECT h FROM History h ORDER BY h.id DESC", History.class)
                    .setMaxResults(limit).getResultList());
            all.sort(Comparator.comparingLong(InstanceData::getId).reversed());
            List<InstanceData> page = all.subList(0, Math.min(limit, all.size()));
            List<Long> ids = page.stream().map(InstanceData::getId).toList();
            Map<Long, Map<String, String>> params = parametersOf(em, ids);
            Map<Long, List<String>> messages = messagesOf(em, ids);
            return masked(em, page.stream().map(d -> Dtos.instance(d, params, messages)).toList());
        });
    }

    private static Set<String> secretNames(JobDefinition d) {
        return d == null || d.getSecretParameters() == null ? Set.of() : Set.of(d.getSecretParameters().split(","));
    }

    /**
     * Masks, in snapshots for callers, the values of secret parameters: those the job definition
     * declares secret, and those whose names say password, secret, token... The payload itself gets
     * the real values from the claim, never from these snapshots.
     */
    private static List<JobInstance> masked(EntityManager em, List<JobInstance> instances) {
        List<String> names = instances.stream().map(JobInstance::getApplicationName).distinct().toList();
        Map<String, Set<String>> secret = new HashMap<>();
        if (!names.isEmpty()) {
            for (JobDefinition d : em.createQuery("SELECT j FROM JobDefinition j WHERE j.name IN :n", JobDefinition.class)
                    .setParameter("n", names).getResultList()) {
                secret.put(d.getName(), secretNames(d));
            }
        }
        for (JobInstance j : instances) {
            Set<String> s = secret.getOrDefault(j.getApplicationName(), Set.of());
            j.getParameters().replaceAll((k, v) -> s.contains(k) || Secrets.isSecret(k) ? Secrets.MASK : v);
        }
        return instances;
    }

    private static Map<Long, Map<String, String>> parametersOf(EntityManager em, List<Long> ids) {
        Map<Long, Map<String, String>> result = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return result;
        }
        for (InstanceParameter p : em.createQuery(
                "SELECT p FROM InstanceParameter p WHERE p.instanceId IN :ids ORDER BY p.id", InstanceParameter.class)
                .setParameter("ids", ids).getResultList()) {
            result.computeIfAbsent(p.getInstanceId(), k -> new LinkedHashMap<>()).put(p.getName(), p.getValue());
        }
        return result;
    }

    private static Map<Long, List<String>> messagesOf(EntityManager em, List<Long> ids) {
        Map<Long, List<String>> result = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return result;
        }
        for (InstanceMessage m : em.createQuery(
                "SELECT m FROM InstanceMessage m WHERE m.instanceId IN :ids ORDER BY m.id", InstanceMessage.class)
                .setParameter("ids", ids).getResultList()) {
            result.computeIfAbsent(m.getInstanceId(), k -> new ArrayList<>()).add(m.getText());
        }
        return result;
    }


}
