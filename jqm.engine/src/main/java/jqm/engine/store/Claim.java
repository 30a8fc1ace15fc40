package jqm.engine.store;

import java.util.Map;

/**
 * A job instance a node has just claimed (state ATTRIBUTED), with what it needs to run it.
 *
 * @param maxRunTimeSeconds the run time after which it is killed, or {@code null} for none
 */
public record Claim(long id, String jobName, String queueName, Map<String, String> parameters, Integer maxRunTimeSeconds) {
}
