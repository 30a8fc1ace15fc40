/**
 * The JSON documents of the client API, with the field names of JQM's client DTOs ({@code JobRequest},
 * {@code JobInstance}, {@code Query}, {@code Queue}, {@code JobDef}, {@code Deliverable}), so that a
 * script written for JQM's {@code /ws/client} works unchanged; and their conversion from and to the
 * {@link jqm.api.client} types. Dates are milliseconds since the epoch (an ISO-8601 text is accepted too).
 */
package jqm.rest.wire;
