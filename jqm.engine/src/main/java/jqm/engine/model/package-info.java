/** The JPA entities: what the engine keeps in the cluster's database. */
package jqm.engine.model;
