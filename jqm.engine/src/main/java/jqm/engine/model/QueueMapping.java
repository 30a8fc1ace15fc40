package jqm.engine.model;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;
import javax.persistence.UniqueConstraint;

/** That a node polls a queue, with how many instances at once and how often (JQM's deployment parameter). */
@Entity
@Table(name = "JQM_QUEUE_MAPPING", uniqueConstraints = @UniqueConstraint(columnNames = { "NODE_NAME", "QUEUE_NAME" }))
@SequenceGenerator(name = "mapping_seq", sequenceName = "JQM_QUEUE_MAPPING_SEQ", allocationSize = 1)
public class QueueMapping {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "mapping_seq")
    private long id;

    @Column(name = "NODE_NAME", nullable = false, length = 100)
    private String nodeName;

    @Column(name = "QUEUE_NAME", nullable = false, length = 100)
    private String queueName;

    @Column(name = "MAX_CONCURRENT", nullable = false)
    private int maxConcurrent;

    @Column(name = "POLLING_INTERVAL_MS", nullable = false)
    private long pollingIntervalMs;

    @Column(name = "ENABLED", nullable = false)
    private boolean enabled = true;

    public long getId() {
        return id;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getQueueName() {
        return queueName;
    }

    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    public int getMaxConcurrent() {
        return maxConcurrent;
    }

    public void setMaxConcurrent(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
    }

    public long getPollingIntervalMs() {
        return pollingIntervalMs;
    }

    public void setPollingIntervalMs(long pollingIntervalMs) {
        this.pollingIntervalMs = pollingIntervalMs;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
