package dev.tunekit.pipeline;

import dev.tunekit.Fixtures;
import java.nio.file.Path;

/** The real all-MiniLM-L6-v2 encoder in ../shared against the reference fixture. */
class MiniLmTest extends MiniLmReference {
  @Override
  protected Path model() {
    return Fixtures.miniLm();
  }
}
