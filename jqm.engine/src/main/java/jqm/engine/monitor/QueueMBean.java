package jqm.engine.monitor;

/** {@code jqm:type=Node.Queue,Node=NODE,name=QUEUE}: one queue polled by the node. */
public interface QueueMBean {
    int getCurrentlyRunningJobCount();

    int getMaxConcurrentJobInstanceCount();

    long getPollingIntervalMilliseconds();

    /** @return instances of this queue the node has claimed since the poller started */
    long getCumulativeJobInstancesCount();

    /** @return the last poll, ISO-8601, or {@code null} */
    String getLastPoll();

    boolean isPaused();

    /** Stops claiming from this queue (running instances go on) until {@link #resume()}. */
    void pause();

    void resume();
}
