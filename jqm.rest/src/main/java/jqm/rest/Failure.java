package jqm.rest;

/** An answer other than success, with its HTTP status and the error code of its JSON body. */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final int errorCode;
    final String code;

    Failure(int status, int errorCode, String code, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.code = code;
    }

    static Failure badRequest(String message) {
        return new Failure(400, 1, "INVALID_REQUEST", message);
    }

    static Failure forbidden(String message) {
        return new Failure(403, 4, "FORBIDDEN", message);
    }
}
