/** The optional bundles (REST API, remote JMX): installed and started only when an operator enables them. */
package jqm.engine.features;
