package jqm.api.client;

/** A queue of the cluster, as JQM's client API describes it. A snapshot: changing it changes nothing. */
public class Queue {
    private long id;
    private String name;
    private String description;
    private boolean defaultQueue;

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    /** @return the queue's name, unique in the cluster */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** @return what the queue is for, or {@code null} */
    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    /** @return whether this is the queue of job definitions that name no other */
    public boolean isDefaultQueue() {
        return defaultQueue;
    }

    public void setDefaultQueue(boolean defaultQueue) {
        this.defaultQueue = defaultQueue;
    }

    @Override
    public String toString() {
        return "Queue[" + name + "]";
    }
}
