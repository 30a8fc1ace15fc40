package jqm.engine.model;

import java.util.Date;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Temporal;
import javax.persistence.TemporalType;

/** A job instance that has ended, with the id it had while it waited and ran. */
@Entity
@Table(name = "JQM_HISTORY")
public class History extends InstanceData {
    @Id
    private long id;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "END_DATE", nullable = false)
    private Date endDate;

    /** @return a history record of the given instance, with its final state and end date set */
    public static History of(Instance instance, jqm.api.client.State finalState, Date endDate) {
        History h = new History();
        h.copyFrom(instance);
        h.id = instance.getId();
        h.setState(finalState);
        h.endDate = endDate;
        return h;
    }

    @Override
    public long getId() {
        return id;
    }

    public Date getEndDate() {
        return endDate;
    }
}
