package dev.tunekit.data;

import dev.tunekit.hub.HubSettings;
import java.nio.file.Path;

/**
 * Where a dataset given by name is looked for, after the folder or file of that name.
 *
 * @param tunekitData {@code TUNEKIT_DATA}: a folder of dataset folders (offline users and CI point
 *     it at a copy, such as ../shared/data), or null
 * @param hub the HF cache and the Hub ({@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}, ...)
 */
public record DataLocations(Path tunekitData, HubSettings hub) {
  /** The locations of this process's environment. */
  public static DataLocations fromEnvironment() {
    String root = System.getenv("TUNEKIT_DATA");
    return new DataLocations(root == null || root.isBlank() ? null : Path.of(root), HubSettings.fromEnvironment());
  }
}
