package jqm.api.security;

/** What an account may do. Each role includes the rights of those below it, but for {@link #CLIENT}'s limit. */
public enum Role {
    /** Reads everything: instances, queues, job definitions, logs and files. */
    VIEWER,
    /** Enqueues, and reads and controls the instances it enqueued itself (their user is the account's name). */
    CLIENT,
    /** Everything on every job instance and queue. */
    OPERATOR,
    /** Everything, the engine log and accounts included. */
    ADMINISTRATOR;

    /** @return whether an account with this role may do what {@code needed} allows */
    public boolean allows(Role needed) {
        if (this == ADMINISTRATOR || this == needed) {
            return true;
        }
        return switch (needed) {
        case VIEWER -> this == OPERATOR; // a client reads its own instances only
        case CLIENT -> this == OPERATOR;
        default -> false;
        };
    }
}
