package jqm.engine.client;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.api.client.Queue;
import jqm.engine.model.Instance;
import jqm.engine.model.JobDefinition;
import jqm.engine.poll.Pollers;
import jqm.engine.store.Store;
import jqm.engine.store.StoreException;

/** The engine's {@link JqmClient}: checks each request, then reads or writes through the store. */
@Component(service = JqmClient.class)
public class Client implements JqmClient {
    static final int MAX_NAME = 100;
    static final int MAX_VALUE = 4000;

    private final Store store;

    /** Present when this node polls queues: an enqueue wakes its poller instead of waiting for the next poll. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Pollers pollers;

    @Activate
    public Client(@Reference Store store) {
        this.store = store;
    }

    @Override
    public long enqueue(JobRequest request) {
        Instance data = RequestCheck.check(request);
        try {
            JobDefinition jd = store.findJobDefinition(data.getJobName())
                    .orElseThrow(() -> new JqmInvalidRequestException(unknownJob(data.getJobName())));
            String queue = request.getQueueName() == null ? jd.getDefaultQueue() : request.getQueueName();
            if (!store.queueExists(queue)) {
                throw new JqmInvalidRequestException("There is no queue named '" + queue + "'");
            }
            data.setQueueName(queue);
            Map<String, String> parameters = request.getParameters() == null ? Map.of() : request.getParameters();
            long id = store.enqueue(data, parameters);
            Pollers p = pollers;
            if (p != null) {
                p.wake(queue);
            }
            return id;
        } catch (StoreException e) {
            throw new JqmClientException(e.getMessage(), e);
        }
    }

    private String unknownJob(String name) {
        List<String> known = store.jobDefinitionNames();
        return "There is no job definition named '" + name + "'"
                + (known.isEmpty() ? " (no job definition is deployed)" : "; known job definitions: " + String.join(", ", known));
    }

    @Override
    public JobInstance get(long id) {
        try {
            return store.get(id).orElseThrow(() -> new NoSuchJobInstanceException(id));
        } catch (StoreException e) {
            throw new JqmClientException(e.getMessage(), e);
        }
    }

    @Override
    public List<Queue> getQueues() {
        try {
            return store.queues();
        } catch (StoreException e) {
            throw new JqmClientException(e.getMessage(), e);
        }
    }

    @Override
    public List<JobInstance> getJobs(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new JqmInvalidRequestException("The limit must be between 1 and 1000, not " + limit);
        }
        try {
            return store.recent(limit);
        } catch (StoreException e) {
            throw new JqmClientException(e.getMessage(), e);
        }
    }
}
