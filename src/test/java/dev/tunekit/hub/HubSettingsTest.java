package dev.tunekit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment variables huggingface_hub reads, read the same way. */
class HubSettingsTest {
  @TempDir Path home;

  HubSettings env(String... keyValues) {
    Map<String, String> env = new java.util.HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return HubSettings.from(env, home);
  }

  @Test
  void defaultsAreHuggingfaceHubs() {
    HubSettings s = env();
    assertEquals(home.resolve(".cache/huggingface/hub"), s.hubCache());
    assertEquals("https://huggingface.co", s.endpoint());
    assertNull(s.token());
    assertFalse(s.offline());
    assertEquals(home.resolve(".cache/tunekit"), s.tunekitCache());
    assertEquals(Duration.ofSeconds(10), s.timeout());
  }

  @Test
  void cacheFolderPrecedence() {
    assertEquals(Path.of("/x/huggingface/hub"), env("XDG_CACHE_HOME", "/x").hubCache());
    assertEquals(Path.of("/hf/hub"), env("XDG_CACHE_HOME", "/x", "HF_HOME", "/hf").hubCache());
    assertEquals(Path.of("/cache"), env("HF_HOME", "/hf", "HF_HUB_CACHE", "/cache").hubCache());
    assertEquals(home.resolve("models"), env("HF_HUB_CACHE", "~/models").hubCache());
    assertEquals(Path.of("/tk"), env("TUNEKIT_CACHE", "/tk").tunekitCache());
  }

  @Test
  void offlineValuesAsPython() {
    for (String yes : new String[] {"1", "ON", "yes", "True"}) {
      assertTrue(env("HF_HUB_OFFLINE", yes).offline(), yes);
    }
    for (String no : new String[] {"0", "false", "off", ""}) {
      assertFalse(env("HF_HUB_OFFLINE", no).offline(), no);
    }
    assertTrue(env("TRANSFORMERS_OFFLINE", "1").offline());
  }

  @Test
  void endpointTokenAndTimeout() throws IOException {
    assertEquals("https://mirror.example/hf", env("HF_ENDPOINT", "https://mirror.example/hf/").endpoint());
    assertEquals("hf_abc", env("HF_TOKEN", "hf_abc").token());
    Files.createDirectories(home.resolve(".cache/huggingface"));
    Files.writeString(home.resolve(".cache/huggingface/token"), "hf_fromfile\n");
    assertEquals("hf_fromfile", env().token(), "the file huggingface-cli login writes");
    assertEquals("hf_env", env("HF_TOKEN", "hf_env").token(), "HF_TOKEN wins over the file");
    assertFalse(env("HF_TOKEN", "hf_secret").toString().contains("hf_secret"), "never printed");
    assertEquals(Duration.ofMillis(2500), env("HF_HUB_DOWNLOAD_TIMEOUT", "2.5").timeout());
  }
}
