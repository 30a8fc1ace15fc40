package jqm.engine.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import jqm.api.client.Deliverable;
import jqm.api.client.JobDef;
import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.api.client.Query;
import jqm.api.client.Queue;
import jqm.api.client.State;
import jqm.engine.files.InstanceFiles;
import jqm.engine.model.DeliverableFile;
import jqm.engine.model.Instance;
import jqm.engine.node.LocalNode;
import jqm.engine.poll.Pollers;
import jqm.engine.run.PayloadRunner;
import jqm.engine.store.Store;
import jqm.engine.store.StoreException;

/** The engine's {@link JqmClient}: checks each request, then reads or writes through the store. */
@Component(service = JqmClient.class)
public class Client implements JqmClient {
    static final int MAX_NAME = 100;
    static final int MAX_VALUE = 4000;

    private final Store store;
    private final InstanceFiles files;
    private final LocalNode node;

    /** Present when this node polls queues: an enqueue wakes its poller instead of waiting for the next poll. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Pollers pollers;

    /** Present when this node runs instances: a kill of one of them is acted on at once. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PayloadRunner runner;

    @Activate
    public Client(@Reference Store store, @Reference InstanceFiles files, @Reference LocalNode node) {
        this.store = store;
        this.files = files;
        this.node = node;
    }

    /** Runs a store call, turning a database failure into the API's exception. */
    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (StoreException e) {
            throw new JqmClientException(e.getMessage(), e);
        }
    }

    private static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    @Override
    public long enqueue(JobRequest request) {
        Instance data = RequestCheck.check(request);
        return call(() -> {
            data.setQueueName(request.getQueueName());
            Instant runAfter = request.getRunAfter();
            if (request.isStartHeld()) {
                data.setState(State.HOLDED);
            } else if (runAfter != null && runAfter.isAfter(Instant.now())) {
                data.setState(State.SCHEDULED);
            }
            data.setRunAfter(runAfter == null ? null : Date.from(runAfter));
            return enqueue(data, request.getParameters() == null ? Map.of() : request.getParameters(), true);
        });
    }

    private long enqueue(Instance data, Map<String, String> parameters, boolean newRequest) {
        long id = store.enqueue(data, new LinkedHashMap<>(parameters), newRequest);
        Pollers p = pollers;
        if (p != null) {
            p.wake(data.getQueueName());
        }
        return id;
    }

    @Override
    public JobInstance get(long id) {
        return call(() -> store.get(id).orElseThrow(() -> new NoSuchJobInstanceException(id)));
    }

    @Override
    public List<JobInstance> getJobs(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new JqmInvalidRequestException("The limit must be between 1 and 1000, not " + limit);
        }
        return call(() -> store.recent(limit));
    }

    @Override
    public Query query(Query query) {
        if (query == null) {
            throw new JqmInvalidRequestException("The query is missing");
        }
        return call(() -> store.query(query));
    }

    @Override
    public List<String> getMessages(long id) {
        return call(() -> store.messages(id));
    }

    @Override
    public void cancel(long id) {
        run(() -> store.cancel(id, "Cancelled"));
    }

    @Override
    public void delete(long id) {
        run(() -> store.delete(id));
    }

    @Override
    public void kill(long id) {
        run(() -> {
            String reason = "Killed on request";
            if (store.requestKill(id, reason)) {
                PayloadRunner r = runner;
                if (r != null) {
                    r.killIfRunningHere(id, reason);
                }
            }
        });
    }

    @Override
    public void pause(long id) {
        run(() -> store.hold(id, true));
    }

    @Override
    public void resume(long id) {
        run(() -> {
            store.hold(id, false);
            Pollers p = pollers;
            if (p != null) {
                p.wakeAll();
            }
        });
    }

    @Override
    public void setQueue(long id, String queueName) {
        if (queueName == null || queueName.isBlank()) {
            throw new JqmInvalidRequestException("The queue name is missing");
        }
        run(() -> {
            store.moveTo(id, queueName.trim());
            Pollers p = pollers;
            if (p != null) {
                p.wake(queueName.trim());
            }
        });
    }

    @Override
    public void setPriority(long id, int priority) {
        if (priority < 0 || priority > 10) {
            throw new JqmInvalidRequestException("The priority must be between 1 (lowest) and 10 (highest), not " + priority);
        }
        run(() -> store.setPriority(id, priority));
    }

    @Override
    public int setPosition(long id, int position) {
        if (position < 1) {
            throw new JqmInvalidRequestException("The position must be 1 (first) or more, not " + position);
        }
        return call(() -> store.setPosition(id, position));
    }

    @Override
    public long restartCrashed(long id) {
        return call(() -> {
            Map.Entry<Instance, Map<String, String>> copy = store.copyOfEnded(id, List.of(State.CRASHED, State.KILLED),
                    "restart");
            return enqueue(copy.getKey(), copy.getValue(), false);
        });
    }

    @Override
    public long enqueueFromHistory(long id) {
        return call(() -> {
            Map.Entry<Instance, Map<String, String>> copy = store.copyOfEnded(id,
                    List.of(State.ENDED, State.CRASHED, State.KILLED, State.CANCELLED), "enqueue again");
            return enqueue(copy.getKey(), copy.getValue(), false);
        });
    }

    @Override
    public List<Deliverable> getDeliverables(long id) {
        return call(() -> store.deliverables(id));
    }

    @Override
    public java.util.Optional<Deliverable> getDeliverable(String deliverableId) {
        if (!InstanceFiles.isRandomId(deliverableId)) {
            throw new JqmInvalidRequestException("A deliverable id is 32 hexadecimal characters (0-9, a-f)");
        }
        return call(() -> store.deliverableInfo(deliverableId));
    }

    @Override
    public InputStream getDeliverableContent(String deliverableId) {
        if (!InstanceFiles.isRandomId(deliverableId)) {
            throw new JqmInvalidRequestException("A deliverable id is 32 hexadecimal characters (0-9, a-f)");
        }
        return call(() -> {
            DeliverableFile d = store.deliverable(deliverableId)
                    .orElseThrow(() -> new JqmInvalidRequestException("There is no deliverable with id " + deliverableId));
            Path file = files.deliverable(d).orElseThrow(() -> new JqmInvalidRequestException(
                    "The file of deliverable " + deliverableId + " is on node " + d.getNodeName()
                            + ", not reachable from here (nodes serve each other's files when they share their files root)"));
            return open(file);
        });
    }

    @Override
    public InputStream getLogStdOut(long id) {
        return log(id, InstanceFiles.Stream.STDOUT);
    }

    @Override
    public InputStream getLogStdErr(long id) {
        return log(id, InstanceFiles.Stream.STDERR);
    }

    private InputStream log(long id, InstanceFiles.Stream stream) {
        JobInstance j = get(id);
        Path file = files.log(id, stream);
        if (Files.isRegularFile(file)) {
            return open(file);
        }
        if (j.getNodeName() != null && !j.getNodeName().equals(node.name()) && !files.sharesLogsWith(j.getNodeName())) {
            throw new JqmInvalidRequestException("The logs of instance " + id + " are on node " + j.getNodeName()
                    + ", not reachable from here (nodes serve each other's logs when they share their logs root)");
        }
        return InputStream.nullInputStream();
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new JqmClientException("Cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Queue> getQueues() {
        return call(store::queues);
    }

    @Override
    public List<JobDef> getJobDefinitions() {
        return call(store::jobDefinitions);
    }
}
