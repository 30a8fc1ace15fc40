/**
 * Who may connect to remote JMX and what each connection may do: authentication against the node's
 * accounts, and the read-only / operations / read-write check of every call.
 */
package jqm.jmx.access;
