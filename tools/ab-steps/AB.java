// A/B harness, not part of the build: see run.sh.
import java.net.*;
import java.nio.file.*;
import java.util.*;

/** Interleaved A/B of two tunekit jars in one JVM: usage AB jarA jarB helperDir precision lora steps */
public class AB {
  public static void main(String[] a) throws Exception {
    URL helper = Path.of(a[2]).toUri().toURL();
    Runnable[] r = new Runnable[2];
    for (int k = 0; k < 2; k++) {
      URLClassLoader cl = new URLClassLoader(new URL[] {Path.of(a[k]).toUri().toURL(), helper}, AB.class.getClassLoader());
      if (k == 1) { // libtorch is loaded and set up by the first copy; its interop threads can be set once only
        java.lang.reflect.Field f = cl.loadClass("dev.tunekit.tensors.Engine").getDeclaredField("started");
        f.setAccessible(true);
        f.setBoolean(null, true);
      }
      r[k] = (Runnable) cl.loadClass("StepRunner").getConstructor(String.class, boolean.class).newInstance(a[3], Boolean.parseBoolean(a[4]));
    }
    int steps = Integer.parseInt(a[5]);
    for (int w = 0; w < 6; w++) { r[0].run(); r[1].run(); }
    double[][] t = new double[2][steps];
    for (int s = 0; s < steps; s++) {
      for (int k0 = 0; k0 < 2; k0++) {
        int k = (s % 2 == 0) ? k0 : 1 - k0;
        // Same batch for both: each runner cycles its own copy of the same list.
        long t0 = System.nanoTime();
        r[k].run();
        t[k][s] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double sa = 0, sb = 0;
    for (int s = 0; s < steps; s++) { sa += t[0][s]; sb += t[1][s]; }
    double[] ratio = new double[steps];
    for (int s = 0; s < steps; s++) ratio[s] = t[1][s] / t[0][s];
    Arrays.sort(ratio);
    System.out.printf("A total %.0f ms, B total %.0f ms, B/A %.4f, median per-step B/A %.4f%n", sa, sb, sb / sa, ratio[steps / 2]);
  }
}
