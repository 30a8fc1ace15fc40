/**
 * The node's local JMX MBeans on the platform MBeanServer: the node, each queue poller, each running
 * instance. Remote access is the optional jqm.jmx bundle's business.
 */
package jqm.engine.monitor;
