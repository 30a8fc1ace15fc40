/**
 * The full client API over HTTP, wire-compatible with JQM's {@code /ws/client}. This bundle is
 * empty in this version: the API lands with its own issue. It is built now so that the layout,
 * the build and the runtime assembly already treat it as the optional bundle it will be.
 */
package jqm.rest;
