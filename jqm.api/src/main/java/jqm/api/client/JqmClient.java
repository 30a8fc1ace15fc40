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

    /**
     * Searches instances, waiting, running and ended alike.
     *
     * @param query the filters, order and page wanted
     * @return the same query, with one page of results and the total count filled in
     * @throws JqmInvalidRequestException when the page is out of range (page size from 1 to 1000)
     */
    Query query(Query query);

    /**
     * @return the messages of an instance in the order they were sent (by its payload, or the reason
     *         it ended), never {@code null}
     * @throws NoSuchJobInstanceException when no instance has this id
     */
    List<String> getMessages(long id);

    /**
     * Cancels a waiting instance (SUBMITTED, HOLDED or SCHEDULED): it will never run, and stays in
     * history as CANCELLED.
     *
     * @throws JqmInvalidRequestException when the instance is not waiting (running: kill it instead)
     */
    void cancel(long id);

    /**
     * Deletes a waiting instance without a trace: no history is kept. Prefer {@link #cancel(long)}.
     *
     * @throws JqmInvalidRequestException when the instance is not waiting
     */
    void delete(long id);

    /**
     * Kills an instance. A running Java payload is asked to stop (its thread is interrupted and
     * {@code JobContext.isKillRequested()} turns true) and ends KILLED as soon as it returns; a shell
     * job's process is destroyed. A waiting instance is cancelled. Works whatever node runs it.
     *
     * @throws JqmInvalidRequestException when the instance has already ended
     */
    void kill(long id);

    /**
     * Holds a waiting instance (SUBMITTED becomes HOLDED): no node claims it until it is resumed.
     *
     * @throws JqmInvalidRequestException when the instance is not SUBMITTED
     */
    void pause(long id);

    /**
     * Releases a held instance (HOLDED becomes SUBMITTED).
     *
     * @throws JqmInvalidRequestException when the instance is not HOLDED
     */
    void resume(long id);

    /**
     * Moves a waiting instance to another queue.
     *
     * @throws JqmInvalidRequestException when the instance is not waiting or the queue does not exist
     */
    void setQueue(long id, String queueName);

    /**
     * Changes the priority of a waiting instance.
     *
     * @param priority from 0 (default) or 1 (lowest) to 10 (highest)
     * @throws JqmInvalidRequestException when the instance is not waiting or the priority is out of range
     */
    void setPriority(long id, int priority);

    /**
     * Moves a waiting instance in the line of its queue: it will run after the waiting instances
     * placed before it, among those of the same priority (a higher priority always runs first).
     *
     * @param position 1 to run first; beyond the end of the line, last
     * @return the position it got
     * @throws JqmInvalidRequestException when the instance is not waiting or the position is below 1
     */
    int setPosition(long id, int position);

    /**
     * Runs a CRASHED or KILLED instance again: a new instance with the same job definition,
     * parameters, tags, queue, priority and parent. The ended one stays in history.
     *
     * @return the new instance's id
     * @throws JqmInvalidRequestException when the instance did not crash and was not killed
     */
    long restartCrashed(long id);

    /**
     * Enqueues a new instance just like an ended one (same job definition, parameters, tags, queue).
     *
     * @return the new instance's id
     * @throws JqmInvalidRequestException when the instance has not ended
     */
    long enqueueFromHistory(long id);

    /**
     * @return the files an instance handed over, oldest first, never {@code null}
     * @throws NoSuchJobInstanceException when no instance has this id
     */
    List<Deliverable> getDeliverables(long id);

    /**
     * @param deliverableId its random id, 32 hexadecimal characters
     * @return the deliverable of that id, if any
     * @throws JqmInvalidRequestException when the id is not of that form
     */
    java.util.Optional<Deliverable> getDeliverable(String deliverableId);

    /**
     * Opens a deliverable's content. The caller closes the stream.
     *
     * @param deliverableId its random id, 32 hexadecimal characters
     * @throws JqmInvalidRequestException when the id is not of that form, or no deliverable has it, or
     *         its file is not on this node
     */
    java.io.InputStream getDeliverableContent(String deliverableId);

    /**
     * Opens what an instance wrote to its standard output (a Java payload's System.out; a shell job's
     * stdout). The caller closes the stream; it is empty when the instance wrote nothing.
     *
     * @throws NoSuchJobInstanceException when no instance has this id
     * @throws JqmInvalidRequestException when the instance ran on another node whose files are not
     *         reachable from this one
     */
    java.io.InputStream getLogStdOut(long id);

    /** Like {@link #getLogStdOut(long)}, for the standard error (where a Java payload's logger writes too). */
    java.io.InputStream getLogStdErr(long id);

    /** @return the queues of the cluster, by name, never {@code null} */
    List<Queue> getQueues();

    /** @return the job definitions of the cluster, by name, never {@code null} */
    List<JobDef> getJobDefinitions();
}
