package dev.tunekit.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Checks a downloaded file against the Hub's ETag, which names its content: the sha256 of an LFS
 * file (weights), or git's blob sha1 ({@code sha1("blob <size>\0" + content)}) of a file kept in git.
 */
final class BlobDigest {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

  private BlobDigest() {}

  /** Null when {@code file} matches {@code etag} (or the ETag is not a digest); else what differs. */
  static String mismatch(Path file, String etag) throws IOException {
    String actual;
    if (SHA256.matcher(etag).matches()) {
      actual = digest(file, "SHA-256", null);
      return actual.equals(etag) ? null : "sha256 " + actual + ", expected " + etag;
    }
    if (SHA1.matcher(etag).matches()) {
      actual = digest(file, "SHA-1", ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
      return actual.equals(etag) ? null : "git sha1 " + actual + ", expected " + etag;
    }
    return null;
  }

  /** The hex digest of {@code prefix} followed by the file's bytes. */
  static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
    }
    if (prefix != null) {
      md.update(prefix);
    }
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
