/** JQM's simple HTTP API, {@code /ws/simple}, wire-compatible with JQM's. */
package jqm.servlet.simple;
