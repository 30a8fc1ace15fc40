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

/** A message of a job instance (sent by its payload, or the reason of its end); kept by instance id. */
@Entity
@Table(name = "JQM_INSTANCE_MESSAGE")
@SequenceGenerator(name = "message_seq", sequenceName = "JQM_INSTANCE_MESSAGE_SEQ", allocationSize = 50)
public class InstanceMessage {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "message_seq")
    private long id;

    @Column(name = "INSTANCE_ID", nullable = false)
    private long instanceId;

    @Column(name = "TEXT_VALUE", nullable = false, length = 4000)
    private String text;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "CREATED_AT", nullable = false)
    private Date createdAt;

    public static InstanceMessage of(long instanceId, String text, Date createdAt) {
        InstanceMessage m = new InstanceMessage();
        m.instanceId = instanceId;
        m.text = text.length() > 4000 ? text.substring(0, 3997) + "..." : text;
        m.createdAt = createdAt;
        return m;
    }

    public long getId() {
        return id;
    }

    public long getInstanceId() {
        return instanceId;
    }

    public String getText() {
        return text;
    }

    public Date getCreatedAt() {
        return createdAt;
    }
}
