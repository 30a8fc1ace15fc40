/** The database schema: versioned migrations (Liquibase), applied before anything else uses the database. */
package jqm.engine.schema;
