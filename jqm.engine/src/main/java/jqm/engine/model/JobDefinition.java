package jqm.engine.model;

import java.util.Date;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;
import javax.persistence.Temporal;
import javax.persistence.TemporalType;

/** A job definition: what can be enqueued, by name (JQM's application name). */
@Entity
@Table(name = "JQM_JOB_DEFINITION")
@SequenceGenerator(name = "jobdef_seq", sequenceName = "JQM_JOB_DEFINITION_SEQ", allocationSize = 1)
public class JobDefinition {
    /** How the job definition runs. */
    public enum Kind {
        /** A {@code JobPayload} service of a payload bundle. */
        BUNDLE
    }

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "jobdef_seq")
    private long id;

    @Column(name = "NAME", nullable = false, unique = true, length = 100)
    private String name;

    @Column(name = "DESCRIPTION", length = 1000)
    private String description;

    @Enumerated(EnumType.STRING)
    @Column(name = "KIND", nullable = false, length = 20)
    private Kind kind;

    @Column(name = "DEFAULT_QUEUE", nullable = false, length = 100)
    private String defaultQueue;

    /** At most one instance waits and one runs at a time in the cluster. */
    @Column(name = "HIGHLANDER", nullable = false)
    private boolean highlander;

    /** Killed when running longer; null: no limit. */
    @Column(name = "MAX_RUN_TIME_S")
    private Integer maxRunTimeSeconds;

    /** The payload bundle that last declared it (symbolic name and version), for operators. */
    @Column(name = "DECLARED_BY", length = 300)
    private String declaredBy;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "DECLARED_AT")
    private Date declaredAt;

    public long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public Kind getKind() {
        return kind;
    }

    public void setKind(Kind kind) {
        this.kind = kind;
    }

    public String getDefaultQueue() {
        return defaultQueue;
    }

    public void setDefaultQueue(String defaultQueue) {
        this.defaultQueue = defaultQueue;
    }

    public boolean isHighlander() {
        return highlander;
    }

    public void setHighlander(boolean highlander) {
        this.highlander = highlander;
    }

    public Integer getMaxRunTimeSeconds() {
        return maxRunTimeSeconds;
    }

    public void setMaxRunTimeSeconds(Integer maxRunTimeSeconds) {
        this.maxRunTimeSeconds = maxRunTimeSeconds;
    }

    public String getDeclaredBy() {
        return declaredBy;
    }

    public void setDeclaredBy(String declaredBy) {
        this.declaredBy = declaredBy;
    }

    public Date getDeclaredAt() {
        return declaredAt;
    }

    public void setDeclaredAt(Date declaredAt) {
        this.declaredAt = declaredAt;
    }
}
