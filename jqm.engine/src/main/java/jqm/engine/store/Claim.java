package jqm.engine.store;

import java.util.Map;

/**
 * A job instance a node has just claimed, with what it needs to run it.
 *
 * @param maxRunTimeSeconds the run time after which it is killed, or {@code null} for none
 * @param kind how its definition runs ({@code BUNDLE}, {@code SHELL}), or {@code null} when the definition is gone
 * @param command the command line of a shell definition
 * @param started whether the claim made it RUNNING already (a runner's claim of the next instance it
 *        runs), rather than ATTRIBUTED to the node (a poller's, started when a runner takes it)
 */
public record Claim(long id, String jobName, String queueName, Map<String, String> parameters, Integer maxRunTimeSeconds,
        String kind, String command, Long parentId, String user, boolean started) {
}
