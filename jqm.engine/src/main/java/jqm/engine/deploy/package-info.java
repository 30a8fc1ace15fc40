/** Deployment of payload bundles from the node's payloads folder, without breaking running instances. */
package jqm.engine.deploy;
