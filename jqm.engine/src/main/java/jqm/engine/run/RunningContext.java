package jqm.engine.run;

import java.util.Map;

import java.io.IOException;
import java.nio.file.Path;

import java.util.List;
import java.util.function.Supplier;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.Query;
import jqm.api.payload.JobContext;
import jqm.engine.files.InstanceFiles;
import jqm.engine.store.Claim;
import jqm.engine.store.Store;
import jqm.engine.store.StoreException;

/** The {@link JobContext} of one running instance. */
final class RunningContext implements JobContext {
    private static final long CHILD_POLL_MS = 300;

    private final Claim claim;
    private final String nodeName;
    private final Store store;
    private final InstanceFiles files;
    private final Supplier<JqmClient> client;
    private volatile String killReason;
    /** What could not be recorded while the database was unreachable, written before the instance ends. */
    private Integer unrecordedProgress;
    private final List<String> unrecordedMessages = new java.util.ArrayList<>();

    RunningContext(Claim claim, String nodeName, Store store, InstanceFiles files, Supplier<JqmClient> client) {
        this.claim = claim;
        this.nodeName = nodeName;
        this.store = store;
        this.files = files;
        this.client = client;
    }

    @Override
    public long enqueueChild(JobRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("The child's request is missing");
        }
        return client.get().enqueue(request.setParentID(claim.id()));
    }

    @Override
    public List<JobInstance> waitForChildren() throws InterruptedException {
        while (true) {
            Query q = client.get().query(new Query().setParentId(claim.id()).setSort(Query.Sort.ID, false).setPageSize(1000));
            if (q.getInstances().stream().allMatch(j -> j.getState().isFinal())) {
                return q.getInstances();
            }
            if (killReason != null) {
                throw new InterruptedException("Instance " + claim.id() + " was killed while waiting for its children");
            }
            Thread.sleep(CHILD_POLL_MS);
        }
    }

    @Override
    public String addDeliverable(Path file, String fileFamily) throws IOException {
        return files.storeDeliverable(claim.id(), file, fileFamily);
    }

    @Override
    public Path workDirectory() throws IOException {
        return files.workDirectory(claim.id());
    }

    @Override
    public long instanceId() {
        return claim.id();
    }

    @Override
    public String jobName() {
        return claim.jobName();
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.copyOf(claim.parameters());
    }

    @Override
    public synchronized void setProgress(int progress) {
        try {
            store.setProgress(claim.id(), progress);
            unrecordedProgress = null;
        } catch (StoreException e) {
            unrecordedProgress = progress; // the payload goes on; recorded before the instance ends
        }
    }

    @Override
    public boolean isKillRequested() {
        return killReason != null;
    }

    /** Marks the instance as to be killed, with the reason; the first reason given is kept. */
    void kill(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
    }

    /** @return why the instance is being killed, or {@code null} */
    String killReason() {
        return killReason;
    }

    @Override
    public void sendMessage(String message) {
        if (message == null) {
            throw new IllegalArgumentException("A message cannot be null");
        }
        synchronized (this) {
            unrecordedMessages.add(message);
            try {
                while (!unrecordedMessages.isEmpty()) {
                    store.addMessage(claim.id(), unrecordedMessages.get(0));
                    unrecordedMessages.remove(0);
                }
            } catch (StoreException e) {
                // the payload goes on; the messages are recorded, in their order, before the instance ends
            }
        }
    }

    /** Records what the database could not take while the instance ran, retrying until it can. */
    synchronized void flush(Retrying retrying) {
        while (!unrecordedMessages.isEmpty()) {
            String m = unrecordedMessages.get(0);
            retrying.run(claim.id(), "record a message", () -> store.addMessage(claim.id(), m));
            unrecordedMessages.remove(0);
        }
        if (unrecordedProgress != null) {
            int p = unrecordedProgress;
            retrying.run(claim.id(), "record the progress", () -> store.setProgress(claim.id(), p));
            unrecordedProgress = null;
        }
    }
}
