package jqm.api.client;

/** The states of a job instance, with JQM's names. */
public enum State {
    /** Enqueued with a run-after date that has not come yet. */
    SCHEDULED,
    /** Waiting in its queue for a node to claim it. */
    SUBMITTED,
    /** Paused while waiting: no node claims it until it is resumed. */
    HOLDED,
    /** Claimed by a node, about to start. */
    ATTRIBUTED,
    /** Running on a node. */
    RUNNING,
    /** Ended normally. */
    ENDED,
    /** Ended by a failure: the payload threw, was missing, or its node died. */
    CRASHED,
    /** Ended by a kill request. */
    KILLED,
    /** Cancelled while waiting; it never ran. */
    CANCELLED;

    /** @return {@code true} when an instance in this state will never change state again */
    public boolean isFinal() {
        return this == ENDED || this == CRASHED || this == KILLED || this == CANCELLED;
    }
}
