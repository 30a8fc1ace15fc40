package jqm.engine.monitor;

/** {@code jqm:type=Node,name=NODE}: the node. */
public interface NodeMBean {
    /** @return instances this node has claimed since it started */
    long getCumulativeJobInstancesCount();

    /** @return instances running on this node now */
    int getCurrentlyRunningJobCount();

    /** @return seconds since the node started */
    long getUptime();

    /** @return whether every queue poller polled within twice its interval */
    boolean isAllPollersPolling();

    /** @return whether a queue of this node has no free slot */
    boolean isFull();

    /** @return the engine's version */
    String getVersion();

    /** Stops the node, as SIGTERM does: running instances get the stop timeout. */
    void stop();

    /** Rereads this node's queue mappings from the database now. */
    void refreshConfiguration();
}
