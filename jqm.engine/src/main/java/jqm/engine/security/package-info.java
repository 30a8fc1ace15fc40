/** Accounts: password hashes, authentication, the first administrator. */
package jqm.engine.security;
