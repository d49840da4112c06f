package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.TunekitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class InferenceStreamsTest {
  @Test
  void batchesRunOnSingleThreadedStreamsAndComeBackInOrderOnTheCaller() {
    Engine.start();
    Assumptions.assumeTrue(Engine.threads() >= 2, "streams need two cores");
    int threadsBefore = Engine.threads();
    int blasBefore = openblas_full.openblas_get_num_threads();
    List<Integer> inputs = IntStream.range(0, 40).boxed().toList();
    Set<String> streamThreads = ConcurrentHashMap.newKeySet();
    Set<Integer> torchThreads = ConcurrentHashMap.newKeySet();
    Set<Integer> blasThreads = ConcurrentHashMap.newKeySet();
    List<Integer> seen = new ArrayList<>();
    Thread caller = Thread.currentThread();
    InferenceStreams.run(inputs, i -> {
      streamThreads.add(Thread.currentThread().getName());
      torchThreads.add(torch.get_num_threads());
      blasThreads.add(openblas_full.openblas_get_num_threads());
      // real work, so that both streams get batches
      return torch.mm(torch.ones(256, 256), torch.ones(256, 256)).sum().item_double() + i;
    }, (k, result) -> {
      assertSame(caller, Thread.currentThread(), "results are handed over on the calling thread");
      assertEquals(256.0 * 256 * 256 + inputs.get(k), result);
      seen.add(k);
    });
    assertEquals(inputs, seen, "in input order");
    assertTrue(streamThreads.size() >= 2, "ran on " + streamThreads);
    assertEquals(Set.of(1), torchThreads, "one libtorch thread per stream");
    assertEquals(Set.of(1), blasThreads, "OpenBLAS single-threaded while streams run");
    assertEquals(threadsBefore, Engine.threads(), "the caller keeps its thread count");
    assertEquals(blasBefore, openblas_full.openblas_get_num_threads(), "OpenBLAS's thread count restored");
  }

  /** A stream's work that itself runs batches (an extractor inside a job) runs them in place: no deadlock. */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aRunInsideAStreamRunsInPlace() {
    Engine.start();
    List<Integer> sums = new ArrayList<>();
    InferenceStreams.run(List.of(1, 2, 3, 4), i -> {
      int[] inner = {0};
      InferenceStreams.run(List.of(i, i * 10), x -> x, (k, x) -> inner[0] += x);
      return inner[0];
    }, (k, sum) -> sums.add(sum));
    assertEquals(List.of(11, 22, 33, 44), sums);
  }

  @Test
  void aFailingBatchFailsTheRunWithItsOwnException() {
    Engine.start();
    int blasBefore = openblas_full.openblas_get_num_threads();
    TunekitException boom = new TunekitException("batch 7 is bad");
    TunekitException thrown = assertThrows(TunekitException.class, () -> InferenceStreams.run(
        IntStream.range(0, 20).boxed().toList(), i -> {
          if (i == 7) {
            throw boom;
          }
          return i;
        }, (k, r) -> { }));
    assertSame(boom, thrown);
    assertEquals(blasBefore, openblas_full.openblas_get_num_threads(), "OpenBLAS's thread count restored");
  }
}
