package dev.deja.engine;

import dev.deja.packer.BuildInputs;
import dev.deja.packer.PackedContext;
import dev.deja.packer.State;

/** An image's context as it will be sent, the other build inputs, and the state they hash to. */
public record PackedImage(String name, PackedContext context, BuildInputs inputs, State state) {
}
