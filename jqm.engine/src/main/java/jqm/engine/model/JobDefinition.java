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
        BUNDLE,
        /** A command run by the node's shell as a child process. */
        SHELL
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

    /** For SHELL definitions: the command line, run by /bin/sh -c. */
    @Column(name = "COMMAND", length = 4000)
    private String command;

    @Column(name = "APPLICATION", length = 100)
    private String application;

    @Column(name = "MODULE", length = 100)
    private String module;

    @Column(name = "KEYWORD1", length = 100)
    private String keyword1;

    @Column(name = "KEYWORD2", length = 100)
    private String keyword2;

    @Column(name = "KEYWORD3", length = 100)
    private String keyword3;

    /** Names of parameters whose values are never shown, comma separated. */
    @Column(name = "SECRET_PARAMETERS", length = 1000)
    private String secretParameters;

    /** Declared or overridden by a configuration file: a payload bundle then changes only which bundle provides it. */
    @Column(name = "CONFIGURED", nullable = false)
    private boolean configured;

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

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }

    public String getApplication() {
        return application;
    }

    public void setApplication(String application) {
        this.application = application;
    }

    public String getModule() {
        return module;
    }

    public void setModule(String module) {
        this.module = module;
    }

    public String getKeyword1() {
        return keyword1;
    }

    public void setKeyword1(String keyword1) {
        this.keyword1 = keyword1;
    }

    public String getKeyword2() {
        return keyword2;
    }

    public void setKeyword2(String keyword2) {
        this.keyword2 = keyword2;
    }

    public String getKeyword3() {
        return keyword3;
    }

    public void setKeyword3(String keyword3) {
        this.keyword3 = keyword3;
    }

    public String getSecretParameters() {
        return secretParameters;
    }

    public void setSecretParameters(String secretParameters) {
        this.secretParameters = secretParameters;
    }

    public boolean isConfigured() {
        return configured;
    }

    public void setConfigured(boolean configured) {
        this.configured = configured;
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
