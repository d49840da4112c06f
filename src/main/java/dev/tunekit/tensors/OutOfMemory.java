package dev.tunekit.tensors;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Running out of memory, told apart from other failures: libtorch's allocator reports it as a
 * {@code RuntimeException} from JavaCPP ("DefaultCPUAllocator: can't allocate memory: you tried to
 * allocate N bytes"), the JVM as an {@link OutOfMemoryError}. Either becomes one line that says
 * where and what to make smaller, instead of a crash with a stack trace.
 */
public final class OutOfMemory {
  private static final Pattern LIBTORCH = Pattern.compile(
      "(?i)can't allocate memory|cannot allocate memory|not enough memory|out of memory|bad_alloc");
  private static final Pattern REQUEST = Pattern.compile("tried to allocate (\\d+) bytes");

  private OutOfMemory() {}

  public static boolean is(Throwable e) {
    return e instanceof OutOfMemoryError
        || e instanceof RuntimeException && !(e instanceof TunekitException) && e.getMessage() != null
            && LIBTORCH.matcher(e.getMessage()).find();
  }

  /** "out of memory {where} (what could not be allocated); {fix}". */
  public static TunekitException explain(Throwable e, String where, String fix) {
    Matcher request = REQUEST.matcher(String.valueOf(e.getMessage()));
    String what = e instanceof OutOfMemoryError ? "the Java heap is full; TUNEKIT_JAVA_OPTS=-Xmx... raises it"
        : request.find() ? "libtorch could not allocate " + Log.size(Long.parseLong(request.group(1)))
        : "libtorch could not allocate memory";
    return new TunekitException("out of memory" + (where.isEmpty() ? "" : " " + where) + " (" + what + "); " + fix, e);
  }
}
