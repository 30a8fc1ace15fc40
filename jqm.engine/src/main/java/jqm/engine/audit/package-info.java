/** The audit log: who changed what in the node's configuration, accounts and bundles, and when. */
package jqm.engine.audit;
