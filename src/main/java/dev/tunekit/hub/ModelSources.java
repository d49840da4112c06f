package dev.tunekit.hub;

import dev.tunekit.TunekitException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds a model the way a Python user names it, and gives back a local HF folder (config.json,
 * model.safetensors, tokenizer.json, ...):
 *
 * <ul>
 *   <li>a folder: used as it is (it wins over a Hub id of the same name, as in transformers);
 *   <li>{@code minilm}: the embedded all-MiniLM-L6-v2 ({@link EmbeddedMiniLm}), no network;
 *   <li>a Hub id, {@code name}, {@code org/name} or {@code org/name@revision}: the HF cache first
 *       (no traffic when it is there), else downloaded into it ({@link HubSnapshots}).
 * </ul>
 */
public final class ModelSources {
  private final HubSettings settings;

  public ModelSources(HubSettings settings) {
    this.settings = settings;
  }

  /** Resolves {@code spec} with the settings of this process's environment (HF_HOME, HF_TOKEN, ...). */
  public static Path resolve(String spec) {
    return new ModelSources(HubSettings.fromEnvironment()).find(spec);
  }

  public HubSettings settings() {
    return settings;
  }

  /** The local folder {@code spec} names; a one-line {@link TunekitException} when there is none. */
  public Path find(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new TunekitException("no model given; give a folder, a Hub id (org/name[@revision]) or '"
          + EmbeddedMiniLm.NAME + "'");
    }
    Path local = asPath(spec);
    if (local != null && Files.isDirectory(local)) {
      return local;
    }
    if (local != null && Files.exists(local)) {
      throw new TunekitException(spec + ": is a file, not a model folder; give the folder that holds config.json, "
          + "model.safetensors and tokenizer.json");
    }
    if (spec.equals(EmbeddedMiniLm.NAME)) {
      return new EmbeddedMiniLm(settings.tunekitCache()).materialise();
    }
    if (looksLikePath(spec)) {
      throw new TunekitException(spec + ": model folder not found (and not a Hub id such as org/name[@revision]); "
          + "give a folder with config.json, model.safetensors and tokenizer.json, a Hub id, or '"
          + EmbeddedMiniLm.NAME + "'");
    }
    return new HubSnapshots(settings).resolve(RepoId.parse(spec));
  }

  private static Path asPath(String spec) {
    try {
      return Path.of(spec);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** Written as a path, not an id: absolute, ./ ../ ~, backslashes, or more than one '/' before '@'. */
  public static boolean looksLikePath(String spec) {
    String beforeRevision = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
    return spec.startsWith("/") || spec.startsWith(".") || spec.startsWith("~") || spec.contains("\\")
        || beforeRevision.chars().filter(c -> c == '/').count() > 1 || beforeRevision.endsWith("/");
  }
}
