package jqm.rest.wire;

/**
 * The body of every error answer, as JQM's {@code ErrorDto}: {@code errorCode} says what kind of
 * error (stable, for programs), {@code userReadableMessage} what is wrong (for people).
 */
public record ErrorDto(int errorCode, String code, String userReadableMessage, String developerMessage) {
}
