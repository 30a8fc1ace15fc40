package jqm.api.node;

import java.time.Instant;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** The state of the node this service runs in. Registered by the engine while the node polls. Thread-safe. */
@ProviderType
public interface NodeStatus {

    /** @return the node's name, unique in the cluster */
    String nodeName();

    /**
     * @return whether every queue poller of the node has polled within twice its interval (plus a
     *         second): a poller that does not is stuck, or cannot reach the database
     */
    boolean pollersInTime();

    /** @return the last successful poll of each queue this node polls, by queue name ({@code null}: never yet) */
    Map<String, Instant> lastPolls();
}
