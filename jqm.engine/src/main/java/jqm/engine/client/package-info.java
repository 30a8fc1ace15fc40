/** The {@link jqm.api.client.JqmClient} service: validation of requests, then the store. */
package jqm.engine.client;
