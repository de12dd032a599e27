package dev.deja.packer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InputExceptionTest {

    private static final Path ROOT = Path.of("/work/project");

    @Test
    void aFileIsCitedFromTheRootWithItsLineAndColumn() {
        assertThat(new InputException(ROOT.resolve("app/Dockerfile"), 3, 5, "bad").describe(ROOT))
                .isEqualTo("app/Dockerfile:3:5: bad");
        assertThat(new InputException(ROOT.resolve("deja.yaml"), "bad").describe(ROOT))
                .isEqualTo("deja.yaml: bad");
    }

    @Test
    void theRootItselfIsNoFileToCite() {
        assertThat(new InputException(ROOT, "unknown image 'x'").describe(ROOT)).isEqualTo("unknown image 'x'");
        assertThat(new InputException(null, "bad").describe(ROOT)).isEqualTo("bad");
    }
}
