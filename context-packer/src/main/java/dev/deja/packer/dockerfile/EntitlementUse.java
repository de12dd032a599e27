package dev.deja.packer.dockerfile;

/**
 * A {@code RUN} step that the builder runs only when the build is granted an entitlement: {@code --network=host}
 * needs {@code network.host}, {@code --security=insecure} needs {@code security.insecure}.
 */
public record EntitlementUse(Instruction instruction, String entitlement) {

    public static final String NETWORK_HOST = "network.host";
    public static final String SECURITY_INSECURE = "security.insecure";

    public int line() {
        return instruction.line();
    }

    /** The flag of the step that asks for it, as written: {@code --network=host}, {@code --security=insecure}. */
    public String flag() {
        return entitlement.equals(NETWORK_HOST) ? "--network=host" : "--security=insecure";
    }
}
