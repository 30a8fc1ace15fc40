/** The queue pollers of this node: claim waiting instances for the free slots and hand them to the runner. */
package jqm.engine.poll;
