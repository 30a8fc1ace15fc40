package jqm.engine.model;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/** One effective parameter of a job instance; kept by instance id, so it outlives the move to history. */
@Entity
@Table(name = "JQM_INSTANCE_PARAMETER")
@SequenceGenerator(name = "param_seq", sequenceName = "JQM_INSTANCE_PARAMETER_SEQ", allocationSize = 50)
public class InstanceParameter {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "param_seq")
    private long id;

    @Column(name = "INSTANCE_ID", nullable = false)
    private long instanceId;

    @Column(name = "PARAM_NAME", nullable = false, length = 100)
    private String name;

    @Column(name = "PARAM_VALUE", length = 4000)
    private String value;

    public static InstanceParameter of(long instanceId, String name, String value) {
        InstanceParameter p = new InstanceParameter();
        p.instanceId = instanceId;
        p.name = name;
        p.value = value;
        return p;
    }

    public long getInstanceId() {
        return instanceId;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }
}
