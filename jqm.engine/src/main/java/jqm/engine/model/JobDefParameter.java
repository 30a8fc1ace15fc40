package jqm.engine.model;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/** A default parameter of a job definition; a request's own parameters override it. */
@Entity
@Table(name = "JQM_JOB_DEFINITION_PARAMETER")
@SequenceGenerator(name = "jdparam_seq", sequenceName = "JQM_JOB_DEFINITION_PARAMETER_SEQ", allocationSize = 20)
public class JobDefParameter {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "jdparam_seq")
    private long id;

    @Column(name = "JOB_NAME", nullable = false, length = 100)
    private String jobName;

    @Column(name = "PARAM_NAME", nullable = false, length = 100)
    private String name;

    @Column(name = "PARAM_VALUE", length = 4000)
    private String value;

    public static JobDefParameter of(String jobName, String name, String value) {
        JobDefParameter p = new JobDefParameter();
        p.jobName = jobName;
        p.name = name;
        p.value = value;
        return p;
    }

    public String getJobName() {
        return jobName;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }
}
