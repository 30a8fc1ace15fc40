/**
 * Accounts and roles: who may call JQM's HTTP and JMX interfaces, and what they may do. The
 * {@link jqm.api.security.Accounts} service is implemented by the engine and used by every front end,
 * so that authentication is written once.
 */
@Export
@Version("0.2.0")
package jqm.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
