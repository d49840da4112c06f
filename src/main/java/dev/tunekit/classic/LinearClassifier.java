package dev.tunekit.classic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear classifier on dense features.
 * <ul>
 *   <li>{@code SVM}: scikit-learn's {@code SVC(kernel='linear', C)}, same problem and solution
 *   (hinge loss, L2, unregularised intercept), see {@link LinearSvc}. LIBLINEAR's dual solver
 *   regularises the intercept and stopped far from the optimum on [CLS] features (0.6 points
 *   of test accuracy off SVC), so it is not used for this one.</li>
 *   <li>{@code LOGREG}: L2-regularised logistic regression by LIBLINEAR's Newton solver (the Java
 *   port of the library behind scikit-learn's liblinear solver).</li>
 * </ul>
 * Features may be standardised first (fitted on train).
 */
public final class LinearClassifier {
  /** Which loss. */
  public enum Kind {
    SVM,
    LOGREG;

    public static Kind parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "svm", "linear-svm", "svc" -> SVM;
        case "logreg", "logistic", "lr" -> LOGREG;
        default -> throw new TunekitException("classifier \"" + s + "\" is unknown; use svm or logreg");
      };
    }
  }

  private final Kind kind;
  private final double c;
  private final Standardizer standardizer;
  private final LinearSvc svm;
  private final Model logreg;

  private LinearClassifier(Kind kind, double c, Standardizer s, LinearSvc svm, Model logreg) {
    this.kind = kind;
    this.c = c;
    this.standardizer = s;
    this.svm = svm;
    this.logreg = logreg;
  }

  /** Trains on rows {@code x} with label ids {@code y} in [0, numLabels). */
  public static LinearClassifier fit(Kind kind, float[][] x, int[] y, int numLabels, double c, boolean standardize) {
    if (x.length == 0) {
      throw new TunekitException("no training rows for the classifier");
    }
    if (!(c > 0)) {
      throw new TunekitException("C must be positive, got " + c);
    }
    Standardizer s = standardize ? Standardizer.fit(x) : null;
    float[][] z = s == null ? x : s.apply(x);
    if (kind == Kind.SVM) {
      return new LinearClassifier(kind, c, s, LinearSvc.fit(z, y, numLabels, c), null);
    }
    Problem p = new Problem();
    p.l = z.length;
    p.n = z[0].length + 1;
    p.bias = 1;
    p.x = new Feature[z.length][];
    p.y = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p.x[i] = features(z[i]);
      p.y[i] = y[i];
    }
    Linear.disableDebugOutput();
    Linear.resetRandom();
    return new LinearClassifier(kind, c, s, null, Linear.train(p, new Parameter(SolverType.L2R_LR, c, 0.01)));
  }

  /** The row with LIBLINEAR's constant intercept feature at the end. */
  private static Feature[] features(float[] row) {
    Feature[] f = new Feature[row.length + 1];
    for (int j = 0; j < row.length; j++) {
      f[j] = new FeatureNode(j + 1, row[j]);
    }
    f[row.length] = new FeatureNode(row.length + 1, 1.0);
    return f;
  }

  public int[] predict(float[][] x) {
    float[][] z = standardizer == null ? x : standardizer.apply(x);
    int[] out = new int[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = svm != null ? svm.predict(z[i]) : (int) Linear.predict(logreg, features(z[i]));
    }
    return out;
  }

  public Kind kind() {
    return kind;
  }

  public double c() {
    return c;
  }

  /** Writes the classifier as JSON: kind, C, the standardisation and the weights. */
  public void save(Path file) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode j = json.createObjectNode();
    j.put("format", "tunekit-linear-classifier/1");
    j.put("kind", kind.name().toLowerCase(Locale.ROOT));
    j.put("C", c);
    if (standardizer != null) {
      ArrayNode mean = j.putArray("mean");
      ArrayNode scale = j.putArray("scale");
      for (int i = 0; i < standardizer.mean().length; i++) {
        mean.add(standardizer.mean()[i]);
        scale.add(standardizer.scale()[i]);
      }
    }
    if (svm != null) {
      j.put("num_labels", svm.numLabels());
      ArrayNode machines = j.putArray("machines");
      for (LinearSvc.Machine m : svm.machines()) {
        ObjectNode o = machines.addObject();
        o.put("positive", m.positive()).put("negative", m.negative()).put("b", m.b());
        ArrayNode w = o.putArray("w");
        for (double v : m.w()) {
          w.add(v);
        }
      }
    } else {
      StringWriter text = new StringWriter();
      try {
        logreg.save(text);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      j.put("liblinear_model", text.toString());
    }
    AtomicFile.writeText(file, w -> w.write(j.toPrettyString() + "\n"));
  }

  public static LinearClassifier load(Path file) {
    try {
      JsonNode j = new ObjectMapper().readTree(Files.readString(file));
      Standardizer s = null;
      if (j.has("mean")) {
        s = new Standardizer(doubles(j.get("mean")), doubles(j.get("scale")));
      }
      Kind kind = Kind.parse(j.get("kind").asText());
      if (kind == Kind.SVM) {
        List<LinearSvc.Machine> machines = new ArrayList<>();
        for (JsonNode m : j.get("machines")) {
          machines.add(new LinearSvc.Machine(m.get("positive").asInt(), m.get("negative").asInt(), doubles(m.get("w")),
              m.get("b").asDouble(), 0, 0));
        }
        return new LinearClassifier(kind, j.get("C").asDouble(), s, LinearSvc.of(machines, j.get("num_labels").asInt()), null);
      }
      Model m = Model.load(new StringReader(j.get("liblinear_model").asText()));
      return new LinearClassifier(kind, j.get("C").asDouble(), s, null, m);
    } catch (IOException | RuntimeException e) {
      throw new TunekitException(file + ": not a tunekit classifier (" + e.getMessage() + ")");
    }
  }

  private static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }
}
