package io.cairn.common.cli;

/** Bad input from the user (a bad file, value or combination): exit code 2, one line on stderr. */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
