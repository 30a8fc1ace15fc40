package jqm.engine.model;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/**
 * A job instance that waits or runs. It leaves this table for {@link History} when it ends, so
 * that the table pollers claim from stays small however long history grows.
 */
@Entity
@Table(name = "JQM_INSTANCE")
@SequenceGenerator(name = "instance_seq", sequenceName = "JQM_INSTANCE_SEQ", allocationSize = 1)
public class Instance extends InstanceData {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "instance_seq")
    private long id;

    /** Someone asked to kill it while it was attributed or running; the node running it acts on it. */
    @Column(name = "KILL_REQUESTED", nullable = false)
    private boolean killRequested;

    @Column(name = "KILL_REASON", length = 1000)
    private String killReason;

    /**
     * Order among the waiting instances of its queue with the same priority, lowest first: the time
     * of the enqueue in microseconds, changed when an operator moves the instance.
     */
    @Column(name = "QUEUE_POSITION", nullable = false)
    private long position;

    /** @return a new instance with the fields of an ended one, to run it again (state, node and dates unset) */
    public static Instance copyOf(InstanceData ended) {
        Instance i = new Instance();
        i.copyFrom(ended);
        i.setState(null);
        i.setNodeName(null);
        i.setProgress(null);
        i.setEnqueueDate(null);
        i.setAttributionDate(null);
        i.setStartDate(null);
        i.setRunAfter(null);
        return i;
    }

    public long getPosition() {
        return position;
    }

    public void setPosition(long position) {
        this.position = position;
    }

    public boolean isKillRequested() {
        return killRequested;
    }

    public String getKillReason() {
        return killReason;
    }

    @Override
    public long getId() {
        return id;
    }
}
