package jqm.api.client;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The JQM client service: enqueues job requests and reads job instances. Registered by the engine
 * as an OSGi service; every front end (HTTP, console, JMX) goes through it.
 *
 * <p>All methods are thread-safe. They work on the cluster's database, so an instance enqueued
 * through any node can be read through any other. Failures that are not the caller's fault (the
 * database is unreachable) are thrown as {@link JqmClientException}; the caller's mistakes as
 * {@link JqmInvalidRequestException}, and nothing is changed then.
 */
@ProviderType
public interface JqmClient {

    /**
     * Enqueues a new job instance.
     *
     * @param request what to run; its job definition must exist
     * @return the id of the new instance, to follow it with {@link #get(long)}
     * @throws JqmInvalidRequestException when the request names no job definition, an unknown one,
     *         or has invalid values (the message says which)
     */
    long enqueue(JobRequest request);

    /**
     * Reads one job instance, waiting, running or ended.
     *
     * @param id the id returned by {@link #enqueue(JobRequest)}
     * @return a snapshot of the instance at the time of the call
     * @throws NoSuchJobInstanceException when no instance has this id
     */
    JobInstance get(long id);

    /**
     * Lists the most recent job instances, waiting, running and ended together, newest first.
     *
     * @param limit the most instances to return, from 1 to 1000
     * @return snapshots of the instances, never {@code null}
     * @throws JqmInvalidRequestException when the limit is out of range
     */
    List<JobInstance> getJobs(int limit);

    /** @return the queues of the cluster, by name, never {@code null} */
    List<Queue> getQueues();
}
