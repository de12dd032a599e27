package dev.deja.cli;

/** The exit codes deja promises (README, docs/design.md). */
final class ExitCodes {
    static final int OK = 0;
    static final int BUILD_FAILED = 1;
    static final int USAGE_OR_CONFIG = 2;
    static final int UNREACHABLE = 3;

    private ExitCodes() {}
}
