package jqm.api.payload;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The running job instance, as its payload sees it. Given to {@link JobPayload#run(JobContext)} and
 * valid only during that call. Methods may be called from any thread the payload starts, as long as
 * {@code run} has not returned.
 */
@ProviderType
public interface JobContext {

    /** @return the id of the running job instance, as returned to whoever enqueued it */
    long instanceId();

    /** @return the name of the job definition (JQM's application name) */
    String jobName();

    /** @return the name of the node running this instance */
    String nodeName();

    /**
     * @return the instance's parameters: the job definition's defaults overridden by the request's
     *         own; an unmodifiable map, never {@code null}
     */
    Map<String, String> parameters();

    /**
     * Records the progress of the instance, visible to clients while it runs and kept in history.
     *
     * @param progress any integer the payload finds meaningful (a percentage, a count...)
     */
    void setProgress(int progress);

    /**
     * Adds a message to the instance, visible to clients while it runs and kept in history.
     *
     * @param message a short text; {@code null} is refused with an {@link IllegalArgumentException}
     */
    void sendMessage(String message);

    /**
     * @return whether someone asked to kill this instance (or its maximum run time is over). A
     *         payload that loops should check it and return; its thread is also interrupted. The
     *         instance ends KILLED whatever the payload does then.
     */
    boolean isKillRequested();

    /**
     * Enqueues a child instance: the request's parent is set to this instance. The child runs
     * independently (on any node); see {@link #waitForChildren()}.
     *
     * @return the child's id
     * @throws jqm.api.client.JqmInvalidRequestException when the request is invalid (unknown job definition...)
     */
    long enqueueChild(jqm.api.client.JobRequest request);

    /**
     * Blocks until every child instance this instance enqueued has ended, whatever their end.
     *
     * @return the children, ended, oldest first
     * @throws InterruptedException when this instance is killed while waiting
     */
    java.util.List<jqm.api.client.JobInstance> waitForChildren() throws InterruptedException;

    /**
     * Hands a file over to JQM as a deliverable of this instance: it is moved into the node's files
     * storage (readable by the node's account only) and can be fetched by clients with the returned id,
     * after the instance has ended too.
     *
     * @param file a file the payload created; it is moved, not copied
     * @param fileFamily a free category (e.g. "report"), or {@code null}
     * @return the deliverable's random 128-bit id, 32 hexadecimal characters
     * @throws java.io.IOException when the file cannot be read or moved
     */
    String addDeliverable(java.nio.file.Path file, String fileFamily) throws java.io.IOException;

    /**
     * @return a folder of this instance's own for temporary files, created on first call and deleted
     *         when the instance ends
     * @throws java.io.IOException when it cannot be created
     */
    java.nio.file.Path workDirectory() throws java.io.IOException;
}
