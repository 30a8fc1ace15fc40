package jqm.engine.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.PersistenceException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.client.JobInstance;
import jqm.api.client.State;
import jqm.engine.model.History;
import jqm.engine.model.Instance;
import jqm.engine.model.InstanceData;
import jqm.engine.model.InstanceMessage;
import jqm.engine.model.InstanceParameter;
import jqm.engine.model.JobDefinition;
import jqm.engine.model.Node;
import jqm.engine.model.Queue;
import jqm.engine.model.QueueMapping;

/**
 * Every database read and write of the engine. Each public method is one transaction: it commits
 * entirely or changes nothing, and throws {@link StoreException} when the database fails.
 */
@Component(service = Store.class)
public class Store {
    /** The queue every new node is mapped to, created on the first start of a cluster. */
    public static final String DEFAULT_QUEUE = "DEFAULT";

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final EntityManagerFactory emf;

    @Activate
    public Store(@Reference(target = "(osgi.unit.name=jqm)") EntityManagerFactory emf) {
        this.emf = emf;
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
            throw new StoreException("Database failure while trying to " + what + ": " + rootMessage(e), e);
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
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
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

    /** @return whether a queue of that name exists */
    public boolean queueExists(String queueName) {
        return tx("read queue " + queueName, em -> !em.createQuery("SELECT q.id FROM Queue q WHERE q.name = :name")
                .setParameter("name", queueName).getResultList().isEmpty());
    }

    // ---------------------------------------------------------------- job definitions

    /**
     * Creates the job definition of a payload that has just been deployed, or records which bundle
     * now provides an existing one.
     */
    public void declareJobDefinition(String name, String description, String declaredBy) {
        tx("declare job definition " + name, em -> {
            Optional<JobDefinition> existing = findJobDefinition(em, name);
            JobDefinition jd = existing.orElseGet(JobDefinition::new);
            if (existing.isEmpty()) {
                jd.setName(name);
                jd.setKind(JobDefinition.Kind.BUNDLE);
                jd.setDefaultQueue(DEFAULT_QUEUE);
                em.persist(jd);
            }
            if (description != null) {
                jd.setDescription(description);
            }
            jd.setDeclaredBy(declaredBy);
            jd.setDeclaredAt(new Date());
            return null;
        });
    }

    /** @return the job definition of that name, if any */
    public Optional<JobDefinition> findJobDefinition(String name) {
        return tx("read job definition " + name, em -> findJobDefinition(em, name));
    }

    private static Optional<JobDefinition> findJobDefinition(EntityManager em, String name) {
        return em.createQuery("SELECT j FROM JobDefinition j WHERE j.name = :name", JobDefinition.class)
                .setParameter("name", name).getResultList().stream().findFirst();
    }

    /** @return the names of all job definitions, sorted */
    public List<String> jobDefinitionNames() {
        return tx("list job definitions",
                em -> em.createQuery("SELECT j.name FROM JobDefinition j ORDER BY j.name", String.class).getResultList());
    }

    // ---------------------------------------------------------------- instances

    /**
     * Creates a waiting instance (state SUBMITTED) with its parameters.
     *
     * @param data the instance's fields; its enqueue date and state are set here
     * @return the new instance's id
     */
    public long enqueue(Instance data, Map<String, String> parameters) {
        return tx("enqueue a " + data.getJobName() + " instance", em -> {
            data.setState(State.SUBMITTED);
            data.setEnqueueDate(new Date());
            em.persist(data);
            em.flush();
            long id = data.getId();
            parameters.forEach((k, v) -> em.persist(InstanceParameter.of(id, k, v)));
            return id;
        });
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
        return tx("claim instances of queue " + queueName, em -> {
            List<Long> candidates = em.createQuery(
                    "SELECT i.id FROM Instance i WHERE i.queueName = :q AND i.state = :s ORDER BY i.priority DESC, i.id",
                    Long.class).setParameter("q", queueName).setParameter("s", State.SUBMITTED).setMaxResults(max)
                    .getResultList();
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
            if (won.isEmpty()) {
                return List.of();
            }
            em.clear();
            Map<Long, Map<String, String>> params = parametersOf(em, won);
            List<Claim> claims = new ArrayList<>();
            for (Instance i : em.createQuery("SELECT i FROM Instance i WHERE i.id IN :ids ORDER BY i.priority DESC, i.id",
                    Instance.class).setParameter("ids", won).getResultList()) {
                claims.add(new Claim(i.getId(), i.getJobName(), i.getQueueName(),
                        params.getOrDefault(i.getId(), Map.of())));
            }
            return claims;
        });
    }

    /** Marks an attributed instance RUNNING, with its start date. */
    public void markRunning(long id) {
        tx("mark instance " + id + " running", em -> {
            Instance i = em.find(Instance.class, id);
            if (i != null) {
                i.setState(State.RUNNING);
                i.setStartDate(new Date());
            }
            return null;
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
        return tx("end instance " + id, em -> {
            Instance i = em.find(Instance.class, id);
            if (i == null) {
                return false;
            }
            end(em, i, finalState, reason, new Date());
            return true;
        });
    }

    private static void end(EntityManager em, Instance i, State finalState, String reason, Date now) {
        if (!finalState.isFinal()) {
            throw new IllegalArgumentException(finalState + " is not a final state");
        }
        if (reason != null) {
            em.persist(InstanceMessage.of(i.getId(), reason, now));
        }
        em.persist(History.of(i, finalState, now));
        em.remove(i);
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
            return Optional.of(toDto(data, parametersOf(em, ids), messagesOf(em, ids)));
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
            return page.stream().map(d -> toDto(d, params, messages)).toList();
        });
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

    private static JobInstance toDto(InstanceData d, Map<Long, Map<String, String>> params,
            Map<Long, List<String>> messages) {
        JobInstance j = new JobInstance();
        j.setId(d.getId());
        j.setParent(d.getParentId());
        j.setApplicationName(d.getJobName());
        j.setQueueName(d.getQueueName());
        j.setNodeName(d.getNodeName());
        j.setState(d.getState());
        j.setUser(d.getUsername());
        j.setSessionID(d.getSessionId());
        j.setApplication(d.getApplication());
        j.setModule(d.getModule());
        j.setKeyword1(d.getKeyword1());
        j.setKeyword2(d.getKeyword2());
        j.setKeyword3(d.getKeyword3());
        j.setEmail(d.getEmail());
        j.setPriority(d.getPriority());
        j.setProgress(d.getProgress());
        j.setParameters(new LinkedHashMap<>(params.getOrDefault(d.getId(), Map.of())));
        j.setMessages(new ArrayList<>(messages.getOrDefault(d.getId(), List.of())));
        j.setEnqueueDate(instant(d.getEnqueueDate()));
        j.setAttributionDate(instant(d.getAttributionDate()));
        j.setBeganRunningDate(instant(d.getStartDate()));
        if (d instanceof History h) {
            j.setEndDate(instant(h.getEndDate()));
        }
        return j;
    }

    private static java.time.Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }
}
