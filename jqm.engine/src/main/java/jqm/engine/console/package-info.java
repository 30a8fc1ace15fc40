/** The {@code jqm:*} Gogo commands for operators, over the {@link jqm.api.client.JqmClient} service. */
package jqm.engine.console;
