/**
 * The full client API over HTTP, {@code /ws/client}, wire-compatible with JQM's: a servlet on the
 * Servlet Whiteboard in JQM's servlet context, a small routing table, and Jackson for JSON. An
 * optional bundle: not installed on a fresh node, enabled with {@code jqm:enable rest}.
 */
package jqm.rest;
