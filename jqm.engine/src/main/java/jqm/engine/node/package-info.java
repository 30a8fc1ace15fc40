/** This node: its identity in the cluster and what happens when it starts. */
package jqm.engine.node;
