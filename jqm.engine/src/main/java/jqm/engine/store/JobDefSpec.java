package jqm.engine.store;

import java.util.Map;

/**
 * What a payload bundle or a configuration file says of a job definition. {@code null} fields mean
 * "not said": the default (or what the definition had) stays.
 *
 * @param command the command line of a shell definition, {@code null} for a payload bundle's
 * @param parameters default parameters, which replace the definition's
 * @param secretParameters names of parameters whose values are never shown (besides names that say
 *        password, secret, token...)
 */
public record JobDefSpec(String name, String description, String queue, String command, Integer maxRunTimeSeconds,
        boolean highlander, String application, String module, String keyword1, String keyword2, String keyword3,
        Map<String, String> parameters, String declaredBy, java.util.Set<String> secretParameters) {
}
