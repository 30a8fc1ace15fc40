package jqm.engine.monitor;

/** {@code jqm:type=Node.Queue.JobInstance,Node=NODE,Queue=QUEUE,name=ID}: an instance running on the node. */
public interface JobInstanceMBean {
    long getId();

    String getApplicationName();

    String getUser();

    /** @return when it started, ISO-8601 */
    String getStartDate();

    long getRunTimeSeconds();

    Integer getProgress();

    /** Kills the instance. */
    void kill();
}
