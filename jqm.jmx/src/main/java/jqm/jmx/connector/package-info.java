/** The JMX RMI connector server, its registry, their sockets and TLS material. */
package jqm.jmx.connector;
