/**
 * The one servlet context of JQM's HTTP interfaces: it authenticates every request (a client
 * certificate, or HTTP basic) against the {@link jqm.api.security.Accounts} service, slows down
 * repeated failures, and writes the access log. Every JQM servlet selects it.
 */
package jqm.servlet.security;
