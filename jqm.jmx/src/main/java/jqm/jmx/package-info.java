/**
 * Remote JMX for a JQM node: a JMX connector server on two fixed ports, over TLS, that authenticates
 * every connection and checks what each may do ({@code jqm.jmx.connector}, {@code jqm.jmx.access}).
 * An optional bundle: installed only while an operator enables it ({@code jqm:enable jmx}).
 */
package jqm.jmx;
