/** Tells operators when the node starts accepting HTTP requests, and how long that took. */
package jqm.servlet.ready;
