package dev.tunekit.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.tensors.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DistilBERT (Sanh et al., 2019) as in HF's {@code modeling_distilbert.py}: BERT's encoder with
 * 6 layers, no token types and no pooler. Field names are the checkpoint's keys.
 */
public final class DistilBert {
  private DistilBert() {}

  /** HF's DistilBertConfig (defaults are distilbert-base-uncased's). */
  public record Config(int vocabSize, int maxPositions, int numLayers, int numHeads, int dim,
      int hiddenDim, double dropout, double attentionDropout, Activation activation,
      double initializerRange, double seqClassifDropout, int padTokenId, Labels labels,
      ObjectNode json) implements ModelConfig {

    /** DistilBERT's LayerNorms use a fixed eps in HF's code; config.json has no field for it. */
    public static final double LAYER_NORM_EPS = 1e-12;

    static Config from(ConfigJson j) {
      String act = j.text("activation", "gelu");
      Activation activation = Activation.parse(act);
      if (activation == null) {
        throw j.invalid("activation \"" + act + "\" is not supported (gelu, gelu_new, relu)");
      }
      Config c = new Config(j.positive("vocab_size", 30522), j.positive("max_position_embeddings", 512),
          j.positive("n_layers", 6), j.positive("n_heads", 12), j.positive("dim", 768),
          j.positive("hidden_dim", 3072), j.probability("dropout", 0.1),
          j.probability("attention_dropout", 0.1), activation, j.number("initializer_range", 0.02),
          j.probability("seq_classif_dropout", 0.2), j.integer("pad_token_id", 0), j.labels(), j.root());
      if (c.dim % c.numHeads != 0) {
        throw j.invalid("dim " + c.dim + " is not a multiple of n_heads " + c.numHeads);
      }
      return c;
    }

    @Override
    public Config withLabels(Labels l) {
      return new Config(vocabSize, maxPositions, numLayers, numHeads, dim, hiddenDim, dropout,
          attentionDropout, activation, initializerRange, seqClassifDropout, padTokenId, l,
          ModelConfig.jsonWithLabels(json, l));
    }

    @Override public String modelType() { return "distilbert"; }
    @Override public int hiddenSize() { return dim; }
    @Override public String basePrefix() { return "distilbert"; }
  }

  /** Token embeddings plus learned position embeddings, normalised. */
  static final class Embeddings {
    final Tensor wordEmbeddings;
    final Tensor positionEmbeddings;
    final int padTokenId;
    final LayerNorm layerNorm;
    final double dropout;

    Embeddings(Weights w, Config c) {
      wordEmbeddings = w.embedding("word_embeddings.weight", c.vocabSize, c.dim, c.padTokenId);
      padTokenId = c.padTokenId;
      positionEmbeddings = w.get("position_embeddings.weight", Weights.Init.NORMAL, c.maxPositions, c.dim);
      layerNorm = new LayerNorm(w.at("LayerNorm"), c.dim, Config.LAYER_NORM_EPS);
      dropout = c.dropout;
    }

    Tensor forward(Tensor inputIds, boolean training) {
      Positions.check(inputIds, positionEmbeddings);
      Tensor positions = torch.arange(new org.bytedeco.pytorch.Scalar(inputIds.size(1)),
          new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
      Tensor x = EmbeddingLookup.rows(wordEmbeddings, inputIds, padTokenId)
          .add(EmbeddingLookup.rows(positionEmbeddings, positions, EmbeddingLookup.NO_PADDING));
      return Dropout.apply(layerNorm.forward(x), dropout, training);
    }
  }

  /** Self-attention with q_lin, k_lin, v_lin and the output projection out_lin. */
  static final class MultiHeadSelfAttention {
    final QueryKeyValue qkv;
    final Linear outLin;
    final int heads;
    final double dropout;

    MultiHeadSelfAttention(Weights w, Config c) {
      qkv = new QueryKeyValue(w.linear("q_lin", c.dim, c.dim), w.linear("k_lin", c.dim, c.dim),
          w.linear("v_lin", c.dim, c.dim));
      outLin = w.linear("out_lin", c.dim, c.dim);
      heads = c.numHeads;
      dropout = c.attentionDropout;
    }

    /** {@code queries} attend over {@code x} (the same tensor, or its first positions). */
    Tensor forward(Tensor queries, Tensor x, Tensor keyMask, boolean training) {
      Tensor[] p = qkv.forward(queries, x);
      Tensor context = Attention.multiHead(p[0], p[1], p[2], keyMask, heads, dropout, training);
      return outLin.forward(context);
    }
  }

  /** Position-wise feed-forward: lin1, activation, lin2, dropout. */
  static final class Ffn {
    final Linear lin1;
    final Linear lin2;
    final Activation activation;
    final double dropout;

    Ffn(Weights w, Config c) {
      lin1 = w.linear("lin1", c.dim, c.hiddenDim);
      lin2 = w.linear("lin2", c.hiddenDim, c.dim);
      activation = c.activation;
      dropout = c.dropout;
    }

    Tensor forward(Tensor x, boolean training) {
      return Dropout.apply(lin2.forward(activation.apply(lin1.forward(x))), dropout, training);
    }
  }

  /** One layer: attention and feed-forward, each with a residual and a post-LayerNorm. */
  static final class TransformerBlock {
    final MultiHeadSelfAttention attention;
    final LayerNorm saLayerNorm;
    final Ffn ffn;
    final LayerNorm outputLayerNorm;

    TransformerBlock(Weights w, Config c) {
      attention = new MultiHeadSelfAttention(w.at("attention"), c);
      saLayerNorm = new LayerNorm(w.at("sa_layer_norm"), c.dim, Config.LAYER_NORM_EPS);
      ffn = new Ffn(w.at("ffn"), c);
      outputLayerNorm = new LayerNorm(w.at("output_layer_norm"), c.dim, Config.LAYER_NORM_EPS);
    }

    Tensor forward(Tensor x, Tensor keyMask, boolean training) {
      return forward(x, x, keyMask, training);
    }

    /**
     * The layer's output at the positions of {@code queries} only (a prefix of {@code x}). Each
     * block frees its temporaries when it ends (see {@link Tensors#freeingTemporaries}).
     */
    Tensor forward(Tensor queries, Tensor x, Tensor keyMask, boolean training) {
      return Tensors.freeingTemporaries(() -> {
        Tensor sa = Tensors.freeingTemporaries(
            () -> saLayerNorm.forward(attention.forward(queries, x, keyMask, training).add(queries)));
        return outputLayerNorm.forward(Tensors.freeingTemporaries(() -> ffn.forward(sa, training)).add(sa));
      });
    }
  }

  /** HF's DistilBertModel: embeddings, then {@code transformer.layer.0..n-1}. */
  public static final class Model implements Encoder {
    private final Config config;
    private final Weights weights;
    private final Embeddings embeddings;
    private final List<TransformerBlock> layers = new ArrayList<>();
    private boolean training;

    public Model(Weights w, Config config) {
      this.config = config;
      this.weights = w;
      embeddings = new Embeddings(w.at("embeddings"), config);
      for (int i = 0; i < config.numLayers; i++) {
        layers.add(new TransformerBlock(w.at("transformer.layer." + i), config));
      }
    }

    @Override
    public EncoderOutput forward(Tensor inputIds, Tensor attentionMask, boolean allHiddenStates) {
      Tensor keyMask = Attention.keyMask(attentionMask);
      Tensor x = embeddings.forward(inputIds, training);
      List<Tensor> states = new ArrayList<>();
      if (allHiddenStates) {
        states.add(x);
      }
      for (TransformerBlock layer : layers) {
        x = layer.forward(x, keyMask, training);
        if (allHiddenStates) {
          states.add(x);
        }
      }
      return new EncoderOutput(x, states);
    }

    @Override
    public Tensor firstToken(Tensor inputIds, Tensor attentionMask) {
      Tensor keyMask = Attention.keyMask(attentionMask);
      Tensor x = embeddings.forward(inputIds, training);
      int last = layers.size() - 1;
      for (int i = 0; i < last; i++) {
        x = layers.get(i).forward(x, keyMask, training);
      }
      return layers.get(last).forward(x.narrow(1, 0, 1), x, keyMask, training).select(1, 0);
    }

    @Override public Config config() { return config; }
    @Override public void train(boolean training) { this.training = training; }
    @Override public Map<String, Tensor> parameters() { return weights.parameters(); }
  }

  /**
   * HF's DistilBertForSequenceClassification: hidden state of token 0, pre_classifier, ReLU,
   * dropout(seq_classif_dropout), classifier.
   */
  public static final class ForSequenceClassification implements SequenceClassifier {
    private final Config config;
    private final Weights weights;
    private final Model distilbert;
    private final Linear preClassifier;
    private final Linear classifier;
    private boolean training;

    public ForSequenceClassification(Weights w, Config config) {
      this.config = config;
      this.weights = w;
      distilbert = new Model(w.at("distilbert"), config);
      preClassifier = w.linear("pre_classifier", config.dim, config.dim);
      classifier = w.linear("classifier", config.dim, config.labels().count());
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor attentionMask) {
      Tensor first = distilbert.firstToken(inputIds, attentionMask);
      Tensor pooled = Dropout.apply(torch.relu(preClassifier.forward(first)), config.seqClassifDropout, training);
      return classifier.forward(pooled);
    }

    @Override public Config config() { return config; }
    @Override public Model encoder() { return distilbert; }
    @Override public Weights weights() { return weights; }

    @Override
    public void train(boolean training) {
      this.training = training;
      distilbert.train(training);
    }
  }
}
