package dev.deja.engine.pack;

import dev.deja.packer.context.PackedContext;
import dev.deja.packer.state.BuildInputs;
import dev.deja.packer.state.State;

/** An image's context as it will be sent, the other build inputs, and the state they hash to. */
public record PackedImage(String name, PackedContext context, BuildInputs inputs, State state) {}
