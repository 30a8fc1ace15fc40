package jqm.engine.store;

import java.util.Map;

/**
 * A job instance a node has just claimed (state ATTRIBUTED), with what it needs to run it.
 *
 * @param maxRunTimeSeconds the run time after which it is killed, or {@code null} for none
 * @param kind how its definition runs ({@code BUNDLE}, {@code SHELL}), or {@code null} when the definition is gone
 * @param command the command line of a shell definition
 */
public record Claim(long id, String jobName, String queueName, Map<String, String> parameters, Integer maxRunTimeSeconds,
        String kind, String command, Long parentId, String user) {
}
