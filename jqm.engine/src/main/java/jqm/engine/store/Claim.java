package jqm.engine.store;

import java.util.Map;

/** A job instance a node has just claimed (state ATTRIBUTED), with what it needs to run it. */
public record Claim(long id, String jobName, String queueName, Map<String, String> parameters) {
}
