/** The store layer: every database read and write of the engine, each in a transaction it owns. */
package jqm.engine.store;
