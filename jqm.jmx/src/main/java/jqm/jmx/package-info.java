/**
 * The remote JMX connector server (TLS, authentication). This bundle is empty in this version: the
 * connector lands with its own issue. It is built now so that the layout, the build and the runtime
 * assembly already treat it as the optional bundle it will be.
 */
package jqm.jmx;
