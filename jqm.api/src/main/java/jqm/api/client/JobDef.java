package jqm.api.client;

import java.util.LinkedHashMap;
import java.util.Map;

/** A job definition, as JQM's client API describes it. A snapshot: changing it changes nothing. */
public class JobDef {
    private long id;
    private String applicationName;
    private String description;
    private String queueName;
    private String kind;
    private boolean highlander;
    private Integer maxRunTimeSeconds;
    private String application;
    private String module;
    private String keyword1;
    private String keyword2;
    private String keyword3;
    private Map<String, String> parameters = new LinkedHashMap<>();
    private String declaredBy;

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    /** @return the name requests use (JQM's application name) */
    public String getApplicationName() {
        return applicationName;
    }

    public void setApplicationName(String applicationName) {
        this.applicationName = applicationName;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    /** @return the queue its instances wait in when the request names none */
    public String getQueueName() {
        return queueName;
    }

    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    /** @return how it runs: {@code BUNDLE} (a payload bundle's service) or {@code SHELL} (a command) */
    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    /** @return whether at most one instance waits and one runs at a time in the cluster */
    public boolean isHighlander() {
        return highlander;
    }

    public void setHighlander(boolean highlander) {
        this.highlander = highlander;
    }

    /** @return the run time after which an instance is killed, or {@code null} for none */
    public Integer getMaxRunTimeSeconds() {
        return maxRunTimeSeconds;
    }

    public void setMaxRunTimeSeconds(Integer maxRunTimeSeconds) {
        this.maxRunTimeSeconds = maxRunTimeSeconds;
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

    /** @return the default parameters, which a request's own parameters override */
    public Map<String, String> getParameters() {
        return parameters;
    }

    public void setParameters(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    /** @return what declared it: a payload bundle (symbolic name and version) or a configuration */
    public String getDeclaredBy() {
        return declaredBy;
    }

    public void setDeclaredBy(String declaredBy) {
        this.declaredBy = declaredBy;
    }

    @Override
    public String toString() {
        return "JobDef[" + applicationName + "]";
    }
}
