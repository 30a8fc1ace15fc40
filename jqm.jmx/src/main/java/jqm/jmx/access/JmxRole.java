package jqm.jmx.access;

import java.util.Optional;

import jqm.api.security.Account;
import jqm.api.security.Role;

/** What a remote JMX connection may do, from the roles of its account. */
public enum JmxRole {
    /** Reads attributes and MBean descriptions, and listens to notifications: accounts that may {@link Role#VIEWER}. */
    READ,
    /** Also runs the operations of JQM queues and job instances (pause, resume, kill): accounts that may {@link Role#OPERATOR}. */
    OPERATE,
    /** Also sets attributes and runs any operation of any MBean: {@link Role#ADMINISTRATOR} accounts. */
    ADMINISTER;

    /**
     * @return the JMX role of an account; empty when it is not usable, or when its roles do not include
     *         reading everything (a {@link Role#CLIENT} alone only reads its own instances, which JMX cannot tell apart)
     */
    public static Optional<JmxRole> of(Account account) {
        if (!account.usable()) {
            return Optional.empty();
        }
        if (account.may(Role.ADMINISTRATOR)) {
            return Optional.of(ADMINISTER);
        }
        if (account.may(Role.OPERATOR)) {
            return Optional.of(OPERATE);
        }
        if (account.may(Role.VIEWER)) {
            return Optional.of(READ);
        }
        return Optional.empty();
    }
}
