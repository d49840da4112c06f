package dev.tunekit.classic;

/** Per-feature standardisation (scikit-learn's StandardScaler): (x - mean) / std, fitted on train. */
public record Standardizer(double[] mean, double[] scale) {
  public static Standardizer fit(float[][] x) {
    int d = x[0].length;
    double[] mean = new double[d];
    double[] sq = new double[d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= x.length;
    }
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        double c = row[j] - mean[j];
        sq[j] += c * c;
      }
    }
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double s = Math.sqrt(sq[j] / x.length);
      scale[j] = s > 0 ? s : 1; // a constant feature stays as it is, as StandardScaler does
    }
    return new Standardizer(mean, scale);
  }

  public float[][] apply(float[][] x) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (float) ((x[i][j] - mean[j]) / scale[j]);
      }
    }
    return out;
  }
}
