package jqm.engine.store;

/**
 * The end of an instance by its runner ({@link Store#endAndClaim}).
 *
 * @param ended whether this call ended it (false: it had been ended already)
 * @param next the next instance of its queue, claimed for its node in the same statement, or null
 */
public record Ended(boolean ended, Claim next) {
}
