package jqm.engine.model;

import java.util.Date;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;
import javax.persistence.Temporal;
import javax.persistence.TemporalType;

/** A node of the cluster: an engine process, known by its unique name. */
@Entity
@Table(name = "JQM_NODE")
@SequenceGenerator(name = "node_seq", sequenceName = "JQM_NODE_SEQ", allocationSize = 1)
public class Node {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "node_seq")
    private long id;

    @Column(name = "NAME", nullable = false, unique = true, length = 100)
    private String name;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "STARTED_AT")
    private Date startedAt;

    /** Last time the node said it was alive. */
    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "HEARTBEAT")
    private Date heartbeat;

    public long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Date getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(Date startedAt) {
        this.startedAt = startedAt;
    }

    public Date getHeartbeat() {
        return heartbeat;
    }

    public void setHeartbeat(Date heartbeat) {
        this.heartbeat = heartbeat;
    }
}
